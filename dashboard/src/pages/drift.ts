import { getJson } from '../api';
import { lineChart } from '../charts';
import { badge, emptyState, formatNumber, formatTime, h, link, section } from '../dom';
import type { Rendered } from '../router';
import { sortableTable } from '../table';
import type { DriftRecord, ModelOverview } from '../types';

/** Models to pick from, each with its latest drift status. */
export async function driftIndexPage(): Promise<Rendered> {
  const models = await getJson<ModelOverview[]>('models');
  const latest = await Promise.all(
    models.map(async (m) => {
      const { records } = await getJson<{ records: DriftRecord[] }>(
        `models/${encodeURIComponent(m.name)}/drift?top=1000`,
      );
      return { name: m.name, records: records.length, last: records.at(-1) };
    }),
  );
  const body =
    models.length === 0
      ? emptyState('No models registered yet.')
      : sortableTable(
          [
            {
              label: 'Model',
              value: (m) => m.name,
              cell: (m) => link(`#/drift/${encodeURIComponent(m.name)}`, m.name),
            },
            {
              label: 'Records',
              value: (m) => m.records,
              cell: (m) => formatNumber(m.records),
              numeric: true,
            },
            {
              label: 'Latest status',
              value: (m) => m.last?.status,
              cell: (m) => (m.last ? badge(m.last.status) : '—'),
            },
            {
              label: 'Latest',
              value: (m) => m.last?.completedTime,
              cell: (m) => formatTime(m.last?.completedTime),
            },
          ],
          latest,
          {},
          { id: 'drift-models' },
        );
  return { title: 'Drift', node: section('Drift by model', body) };
}

/** A model's PSI per feature over time, thresholds drawn and breaches ringed, and the records as a table. */
export async function driftPage([name = '']: readonly string[]): Promise<Rendered> {
  const { records } = await getJson<{ records: DriftRecord[] }>(
    `models/${encodeURIComponent(name)}/drift?top=1000`,
  );
  const node = h('div', {}, h('h1', {}, 'Drift of ', h('code', {}, name)));
  if (records.length === 0) {
    node.append(
      section(
        'PSI per feature',
        emptyState(
          'No drift records: a job scored with a model whose card has a training baseline records its drift when it commits.',
        ),
      ),
    );
    return { title: `Drift ${name}`, node };
  }
  const features = [...new Set(records.flatMap((r) => r.features.map((f) => f.name)))];
  const threshold = records.find((r) => r.threshold)?.threshold;
  const psiOf = (record: DriftRecord, feature: string) => record.features.find((f) => f.name === feature);
  const breaches = records.reduce(
    (sum, r) => sum + r.features.filter((f) => f.status === 'breach').length,
    0,
  );
  node.append(
    section(
      'PSI per feature over time',
      h(
        'p',
        { class: 'note' },
        `${formatNumber(records.length)} records · `,
        h('span', { 'data-test': 'breach-count' }, `${formatNumber(breaches)} breaches`),
        threshold ? ` · warning at ${threshold.psiWarning}, breach at ${threshold.psiBreach}` : '',
      ),
      lineChart({
        kind: 'drift',
        x: records.map((r) => Date.parse(r.completedTime) / 1000),
        time: true,
        series: features.map((feature) => ({
          label: feature,
          values: records.map((r) => psiOf(r, feature)?.psi ?? null),
        })),
        xLabel: 'completed',
        yLabel: 'PSI',
        yScale: 'asinh',
        thresholds: threshold
          ? [
              { label: 'warning', value: threshold.psiWarning, level: 'warning' },
              { label: 'breach', value: threshold.psiBreach, level: 'breach' },
            ]
          : [],
        highlight: (series, index) => psiOf(records[index]!, features[series]!)?.status === 'breach',
      }),
    ),
    section(
      'Records',
      h(
        'div',
        { class: 'scroll' },
        sortableTable(
          [
            { label: 'Completed', value: (r) => r.completedTime, cell: (r) => formatTime(r.completedTime) },
            {
              label: 'Source',
              value: (r) => r.source,
              cell: (r) => (r.source === 'job' ? link(`#/jobs/${r.id}`, r.id) : `window ${r.id}`),
            },
            {
              label: 'Version',
              value: (r) => (r.modelVersion === undefined ? undefined : String(r.modelVersion)),
            },
            { label: 'Rows', value: (r) => r.rows, cell: (r) => formatNumber(r.rows), numeric: true },
            { label: 'Status', value: (r) => r.status, cell: (r) => badge(r.status) },
            ...features.map((feature) => ({
              label: feature,
              value: (r: DriftRecord) => psiOf(r, feature)?.psi,
              cell: (r: DriftRecord) => {
                const f = psiOf(r, feature);
                return f
                  ? h('span', { class: `psi psi-${f.status}`, title: f.status }, formatNumber(f.psi))
                  : '—';
              },
              numeric: true,
            })),
          ],
          [...records].reverse(),
          {},
          { id: 'drift-table' },
        ),
      ),
    ),
  );
  return { title: `Drift ${name}`, node };
}
