import { getJson } from '../api';
import { lineChart } from '../charts';
import { badge, emptyState, facts, formatNumber, formatTime, h, link, section } from '../dom';
import type { Rendered } from '../router';
import { sortableTable } from '../table';
import type { LiveMetrics, ModelDetail, ModelVersion, Run } from '../types';
import { runsTable } from './runs';

const preferredMetrics = ['r2', 'rmse', 'mae', 'accuracy', 'f1', 'auc'];
const chosenMetric = new Map<string, string>();

/** A model: versions with stages, tags and metrics, a metric across versions, its audit and retrain runs. */
export async function modelPage([name = '']: readonly string[]): Promise<Rendered> {
  const path = `models/${encodeURIComponent(name)}`;
  const [model, runs, live] = await Promise.all([
    getJson<ModelDetail>(path),
    getJson<Run[]>(`${path}/runs?top=20`),
    getJson<LiveMetrics>(`${path}/live-metrics?bucket=hour`),
  ]);
  const versions = [...model.versions].sort((a, b) => a.version - b.version);
  const node = h(
    'div',
    {},
    h('h1', {}, 'Model ', h('code', {}, model.name)),
    section(
      'Stages',
      facts([
        ['Latest version', formatNumber(model.latestVersion)],
        ['Production', h('span', { 'data-test': 'production-version' }, formatNumber(model.production))],
        ['Staging', formatNumber(model.staging)],
        ['Drift', link(`#/drift/${encodeURIComponent(model.name)}`, 'drift over time')],
      ]),
    ),
    section('Metrics across versions', metricChart(model.name, versions)),
    liveMetricsSection(model.name, live),
    section('Versions', versionsTable(versions)),
    section(
      'Retrain runs',
      runs.length === 0
        ? emptyState(
            'No retrain runs. POST /api/models/{name}/retrain starts one (the card must declare retraining).',
          )
        : runsTable(runs),
    ),
    section('Stage changes', auditTable(model)),
  );
  return { title: `Model ${model.name}`, node };
}

function metricNames(versions: readonly ModelVersion[]): string[] {
  const names = new Set(versions.flatMap((v) => Object.keys(v.metrics ?? {})));
  return [...names].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

function rank(metric: string): number {
  const index = preferredMetrics.indexOf(metric);
  return index === -1 ? preferredMetrics.length : index;
}

function metricChart(model: string, versions: readonly ModelVersion[]): HTMLElement {
  const names = metricNames(versions);
  if (names.length === 0) return emptyState('No version of this model has metrics in its card.');
  const holder = h('div', {});
  const draw = (metric: string) => {
    chosenMetric.set(model, metric);
    holder.replaceChildren(
      lineChart({
        kind: 'metrics',
        x: versions.map((v) => v.version),
        series: [{ label: metric, values: versions.map((v) => v.metrics?.[metric] ?? null) }],
        xLabel: 'version',
        yLabel: metric,
      }),
    );
  };
  const current = chosenMetric.get(model) ?? names[0]!;
  const select = h(
    'select',
    {
      id: 'metric',
      'aria-label': 'metric',
      onchange: (event: Event) => draw((event.target as HTMLSelectElement).value),
    },
    names.map((metric) => h('option', { value: metric, selected: metric === current }, metric)),
  );
  const wrapper = h('div', {}, h('label', { class: 'inline' }, 'Metric ', select), holder);
  draw(current);
  return wrapper;
}

/**
 * Live metrics (`GET /api/models/{name}/live-metrics`): the metric of scored rows against the labels
 * fed back for them, per version and hour, one line per version.
 */
function liveMetricsSection(model: string, live: LiveMetrics): HTMLElement {
  if (live.points.length === 0)
    return section(
      'Live metrics',
      emptyState(
        `No labelled outcomes yet. POST /api/models/${model}/feedback (or drop a CSV into feedback/${model}/) with the ids of scored rows and their labels; see docs/feedback.md.`,
      ),
    );
  const buckets = [...new Set(live.points.map((p) => p.bucket))].sort();
  const versions = [...new Set(live.points.map((p) => p.version))].sort((a, b) => a - b);
  const valueAt = (version: number, bucket: string) =>
    live.points.find((p) => p.version === version && p.bucket === bucket)?.value ?? null;
  return section(
    `Live ${live.metric} per version (hourly, from feedback)`,
    lineChart({
      kind: 'live-metrics',
      x: buckets.map((bucket) => Date.parse(bucket) / 1000),
      time: true,
      series: versions.map((version) => ({
        label: `v${version}`,
        values: buckets.map((bucket) => valueAt(version, bucket)),
      })),
      xLabel: 'hour',
      yLabel: live.metric,
    }),
    sortableTable(
      [
        { label: 'Hour', value: (p) => p.bucket, cell: (p) => formatTime(p.bucket) },
        { label: 'Version', value: (p) => p.version, numeric: true },
        { label: 'Labelled rows', value: (p) => p.n, cell: (p) => formatNumber(p.n), numeric: true },
        { label: live.metric, value: (p) => p.value, cell: (p) => formatNumber(p.value), numeric: true },
      ],
      [...live.points].reverse(),
      {},
      { id: 'live-metrics-table' },
    ),
  );
}

function versionsTable(versions: readonly ModelVersion[]): HTMLElement {
  const metrics = metricNames(versions).slice(0, 4);
  return sortableTable(
    [
      { label: 'Version', value: (v) => v.version, numeric: true },
      { label: 'Stage', value: (v) => v.stage, cell: (v) => badge(v.stage) },
      { label: 'Created', value: (v) => v.createdAt, cell: (v) => formatTime(v.createdAt) },
      ...metrics.map((metric) => ({
        label: metric,
        value: (v: ModelVersion) => v.metrics?.[metric],
        cell: (v: ModelVersion) => formatNumber(v.metrics?.[metric]),
        numeric: true,
      })),
      {
        label: 'Tags',
        value: (v) => Object.keys(v.tags ?? {}).join(','),
        cell: (v) =>
          h(
            'span',
            {},
            Object.entries(v.tags ?? {}).map(([key, value]) =>
              h('span', { class: 'tag' }, `${key}=${value}`),
            ),
          ),
      },
      { label: 'Producer', value: (v) => v.producer },
    ],
    [...versions].reverse(),
    {},
    { id: 'versions-table' },
  );
}

function auditTable(model: ModelDetail): HTMLElement {
  if (model.audit.length === 0) return emptyState('No stage changes yet.');
  return sortableTable(
    [
      { label: 'When', value: (a) => a.at, cell: (a) => formatTime(a.at) },
      { label: 'Action', value: (a) => a.action },
      { label: 'Version', value: (a) => a.version, numeric: true },
      { label: 'From', value: (a) => a.previousStage },
      { label: 'To', value: (a) => a.stage, cell: (a) => badge(a.stage) },
      { label: 'By', value: (a) => a.by },
      { label: 'Reason', value: (a) => a.reason },
    ],
    [...model.audit].reverse(),
  );
}
