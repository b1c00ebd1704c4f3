import { getJson } from '../api';
import { timelineChart } from '../charts';
import {
  badge,
  emptyState,
  facts,
  formatDuration,
  formatNumber,
  formatTime,
  h,
  progressBar,
  section,
  textOf,
} from '../dom';
import type { Rendered } from '../router';
import { sortableTable } from '../table';
import type { JobOutput, JobView, Partition } from '../types';
import { finishedStatuses, modelOf } from './jobs';

const sort = {};
const outputs = new Map<string, JobOutput>();

/** One job: live progress, the partitions' timeline, and once it ends its manifest and first error rows. */
export async function jobPage([id = '']: readonly string[]): Promise<Rendered> {
  const job = await getJson<JobView>(`jobs/${encodeURIComponent(id)}`);
  const done = finishedStatuses.includes(job.status);
  let output = outputs.get(id);
  if (done && !output) {
    output = await getJson<JobOutput>(`jobs/${encodeURIComponent(id)}/output?errors=50`);
    outputs.set(id, output);
  }
  const { partitions, partitionsDone, partitionsFailed, scoredRows, badRows } = job.progress;
  const progress = h(
    'div',
    { id: 'job-progress', 'data-done': partitionsDone, 'data-scored': scoredRows },
    progressBar(
      partitionsDone,
      partitions,
      `${partitionsDone} of ${partitions} partitions done · ${formatNumber(scoredRows)} rows scored · ${formatNumber(badRows)} bad`,
    ),
  );
  const node = h(
    'div',
    {},
    h('h1', {}, 'Job ', h('code', {}, job.jobId), ' ', badge(job.status)),
    job.reason ? h('p', { class: job.status === 'Failed' ? 'error' : 'note' }, job.reason) : null,
    section(
      'Progress',
      progress,
      facts([
        ['Model', modelOf(job)],
        ['Input', job.input],
        ['Output', job.output],
        ['Source', job.source],
        ['Created', formatTime(job.createdTime)],
        ['Completed', formatTime(job.completedTime)],
        ['Rows', formatNumber(job.totalRows)],
        [
          'Rows scored',
          h('span', { 'data-test': 'scored-rows' }, formatNumber(done ? job.scoredRows : scoredRows)),
        ],
        ['Bad rows', formatNumber(done ? job.badRows : badRows)],
        ['Failed partitions', formatNumber(partitionsFailed)],
        ['Drift', job.driftStatus ? badge(job.driftStatus) : '—'],
      ]),
    ),
    section('Partition timeline', timeline(job.partitionDetails)),
    section('Partitions', partitionTable(job.partitionDetails)),
    done ? outputSections(output) : null,
  );
  return { title: `Job ${job.jobId}`, node, refreshMs: done ? undefined : 1000 };
}

function timeline(partitions: readonly Partition[]): HTMLElement {
  const now = Date.now() / 1000;
  const bars = partitions
    .filter((p) => p.startedTime)
    .map((p) => ({
      label: String(p.index),
      start: Date.parse(p.startedTime!) / 1000,
      end: p.completedTime ? Date.parse(p.completedTime) / 1000 : now,
      status: p.status,
    }));
  return bars.length === 0 ? emptyState('No partition has started yet.') : timelineChart(bars);
}

function partitionTable(partitions: readonly Partition[]): HTMLElement {
  if (partitions.length === 0) return emptyState('The job has not planned its partitions yet.');
  return sortableTable(
    [
      { label: '#', value: (p) => p.index, numeric: true },
      { label: 'Status', value: (p) => p.status, cell: (p) => badge(p.status) },
      { label: 'First row', value: (p) => p.firstRow, cell: (p) => formatNumber(p.firstRow), numeric: true },
      { label: 'Rows', value: (p) => p.rows, cell: (p) => formatNumber(p.rows), numeric: true },
      { label: 'Bad rows', value: (p) => p.badRows, cell: (p) => formatNumber(p.badRows), numeric: true },
      { label: 'Attempts', value: (p) => p.attempt, numeric: true },
      { label: 'Started', value: (p) => p.startedTime, cell: (p) => formatTime(p.startedTime) },
      {
        label: 'Duration',
        value: (p) => p.durationMs,
        cell: (p) => formatDuration(p.durationMs),
        numeric: true,
      },
      { label: 'Error', value: (p) => p.error },
    ],
    partitions,
    sort,
    { id: 'partitions-table' },
  );
}

function outputSections(output: JobOutput | undefined): HTMLElement[] {
  if (!output) return [];
  const errors =
    output.errors.length === 0
      ? emptyState('No bad rows: every row was scored.')
      : h(
          'div',
          {},
          sortableTable(
            [
              { label: 'Row', value: (e) => numberField(e, 'row'), numeric: true },
              { label: 'Field', value: (e) => textField(e, 'field') },
              { label: 'Reason', value: (e) => textField(e, 'reason') ?? JSON.stringify(e) },
            ],
            output.errors,
            {},
            { id: 'errors-table' },
          ),
          output.moreErrors
            ? h('p', { class: 'note' }, `More rows in ${output.errorsBlob ?? '_errors.jsonl'}.`)
            : null,
        );
  return [
    section('Error rows', errors),
    section(
      'Manifest',
      output.manifest === undefined
        ? emptyState('The job wrote no manifest.')
        : h(
            'details',
            { open: true },
            h('summary', {}, '_manifest.json'),
            h('pre', { class: 'json', id: 'manifest' }, JSON.stringify(output.manifest, null, 2)),
          ),
    ),
  ];
}

function textField(value: unknown, field: string): string | undefined {
  return textOf((value as Record<string, unknown> | null)?.[field]);
}

function numberField(value: unknown, field: string): number | undefined {
  const inner = (value as Record<string, unknown> | null)?.[field];
  return typeof inner === 'number' ? inner : undefined;
}
