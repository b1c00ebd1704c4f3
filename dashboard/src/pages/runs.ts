import { getJson } from '../api';
import { badge, emptyState, facts, formatNumber, formatTime, h, link, section } from '../dom';
import type { Rendered } from '../router';
import { sortableTable } from '../table';
import type { ModelOverview, Run, RunView } from '../types';

const sort = {};

/** Every model's recent retrain runs, newest first. */
export async function runsPage(): Promise<Rendered> {
  const models = await getJson<ModelOverview[]>('models');
  const runs = (
    await Promise.all(models.map((m) => getJson<Run[]>(`models/${encodeURIComponent(m.name)}/runs?top=20`)))
  ).flat();
  runs.sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  const running = runs.some((run) => run.status === 'Running');
  const body =
    runs.length === 0
      ? emptyState(
          'No retrain runs yet. "POST /api/models/{name}/retrain" starts one for a model whose card declares retraining; the nightly schedule starts the others.',
        )
      : runsTable(runs, true);
  return {
    title: 'Retrain runs',
    node: section('Retrain runs', body),
    refreshMs: running ? 2000 : undefined,
  };
}

export function runsTable(runs: readonly Run[], withModel = false): HTMLElement {
  return sortableTable(
    [
      ...(withModel
        ? [
            {
              label: 'Model',
              value: (r: Run) => r.model,
              cell: (r: Run) => link(`#/models/${encodeURIComponent(r.model)}`, r.model),
            },
          ]
        : []),
      {
        label: 'Run',
        value: (r) => r.runId,
        cell: (r) =>
          link(`#/models/${encodeURIComponent(r.model)}/runs/${encodeURIComponent(r.runId)}`, r.runId),
      },
      { label: 'Status', value: (r) => r.status, cell: (r) => badge(r.status) },
      { label: 'Trigger', value: (r) => r.trigger },
      { label: 'Started', value: (r) => r.startedAt, cell: (r) => formatTime(r.startedAt) },
      { label: 'Metric', value: (r) => r.metric },
      {
        label: 'Candidate',
        value: (r) => r.candidateValue,
        cell: (r) => formatNumber(r.candidateValue),
        numeric: true,
      },
      {
        label: 'Production',
        value: (r) => r.productionValue,
        cell: (r) => formatNumber(r.productionValue),
        numeric: true,
      },
      { label: 'Decision', value: (r) => r.decision },
    ],
    runs,
    sort,
    { id: 'runs-table' },
  );
}

/** One run: its decision, candidate against production on every metric, and the data checks. */
export async function runPage([model = '', runId = '']: readonly string[]): Promise<Rendered> {
  const run = await getJson<RunView>(`models/${encodeURIComponent(model)}/runs/${encodeURIComponent(runId)}`);
  const report = run.report;
  const candidate = report?.candidate?.metrics ?? {};
  const production = report?.production?.metrics ?? {};
  const metrics = [...new Set([...Object.keys(candidate), ...Object.keys(production)])].sort();
  const node = h(
    'div',
    {},
    h('h1', {}, 'Retrain run ', h('code', {}, run.runId), ' ', badge(run.status)),
    section(
      'Decision',
      h(
        'p',
        { class: 'decision', id: 'decision' },
        report?.decision ?? run.decision ?? 'The run has not decided yet.',
      ),
      facts([
        ['Model', link(`#/models/${encodeURIComponent(run.model)}`, run.model)],
        ['Trigger', run.trigger],
        ['Reason given', run.requestReason],
        ['Started', formatTime(run.startedAt)],
        ['Completed', formatTime(run.completedAt)],
        ['Candidate version', formatNumber(run.candidateVersion)],
        ['Production version after', formatNumber(run.productionVersion)],
        ['Training data', run.dataReference],
        [
          'Rows (train / holdout)',
          report?.candidate
            ? `${formatNumber(report.candidate.trainRows)} / ${formatNumber(report.candidate.holdoutRows)}`
            : '—',
        ],
      ]),
    ),
    section(
      'Candidate against production (holdout)',
      metrics.length === 0
        ? emptyState('No metrics: the run ended before evaluating.')
        : sortableTable(
            [
              { label: 'Metric', value: (m) => (m === report?.policy?.metric ? `${m} (policy)` : m) },
              {
                label: 'Candidate',
                value: (m) => candidate[m],
                cell: (m) => formatNumber(candidate[m]),
                numeric: true,
              },
              {
                label: 'Production',
                value: (m) => production[m],
                cell: (m) => formatNumber(production[m]),
                numeric: true,
              },
            ],
            metrics,
            {},
            { id: 'run-metrics' },
          ),
    ),
    section(
      'Data checks',
      report?.checks
        ? h(
            'div',
            {},
            h('p', {}, 'Overall: ', badge(report.checks.passed ? 'passed' : 'failed')),
            sortableTable(
              [
                { label: 'Check', value: (c) => c.check },
                { label: 'Column', value: (c) => c.column },
                { label: 'Status', value: (c) => c.status, cell: (c) => badge(c.status) },
                {
                  label: 'Value',
                  value: (c) => c.value as number | undefined,
                  cell: (c) => formatNumber(c.value as number | undefined),
                  numeric: true,
                },
                {
                  label: 'Threshold',
                  value: (c) => c.threshold as number | undefined,
                  cell: (c) => formatNumber(c.threshold as number | undefined),
                  numeric: true,
                },
                { label: 'Message', value: (c) => c.message },
              ],
              report.checks.checks,
              {},
              { id: 'data-checks' },
            ),
          )
        : emptyState('No data-check report (the run did not read its data).'),
    ),
  );
  return { title: `Run ${run.runId}`, node, refreshMs: run.status === 'Running' ? 1500 : undefined };
}
