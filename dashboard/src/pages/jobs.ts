import { getJson } from '../api';
import { badge, emptyState, formatNumber, formatTime, h, link, progressBar, section } from '../dom';
import type { Rendered } from '../router';
import { sortableTable } from '../table';
import type { Job, JobView } from '../types';

const finished = ['Succeeded', 'PartiallySucceeded', 'Failed', 'Canceled'];
const sort = { column: undefined as number | undefined, descending: false };

/** Jobs, newest first; a running job's progress is read from its view and refreshed every second or so. */
export async function jobsPage(): Promise<Rendered> {
  const jobs = await getJson<Job[]>('jobs?top=100');
  const running = jobs.filter((job) => !finished.includes(job.status)).slice(0, 20);
  const views = new Map(
    (await Promise.all(running.map((job) => getJson<JobView>(`jobs/${job.jobId}`).catch(() => undefined))))
      .filter((view): view is JobView => view !== undefined)
      .map((view) => [view.jobId, view]),
  );
  const counts = new Map<string, number>();
  for (const job of jobs) counts.set(job.status, (counts.get(job.status) ?? 0) + 1);
  const summary = h(
    'div',
    { class: 'tiles' },
    h(
      'div',
      { class: 'tile' },
      h('span', { class: 'tile-value', 'data-test': 'jobs-total' }, formatNumber(jobs.length)),
      'jobs',
    ),
    [...counts].map(([status, count]) =>
      h('div', { class: 'tile' }, h('span', { class: 'tile-value' }, formatNumber(count)), badge(status)),
    ),
  );
  const body =
    jobs.length === 0
      ? emptyState(
          'No jobs yet. Drop a CSV, JSON Lines or Parquet file into the input container, or run "npx durable-scoring score <file>".',
        )
      : sortableTable(
          [
            {
              label: 'Job',
              value: (job) => job.jobId,
              cell: (job) => link(`#/jobs/${job.jobId}`, job.jobId),
            },
            { label: 'Status', value: (job) => job.status, cell: (job) => badge(job.status) },
            { label: 'Model', value: (job) => modelOf(job) },
            {
              label: 'Input',
              value: (job) => job.input,
              cell: (job) => h('span', { title: job.input }, job.input.split('/').pop() ?? job.input),
            },
            { label: 'Created', value: (job) => job.createdTime, cell: (job) => formatTime(job.createdTime) },
            {
              label: 'Progress',
              value: (job) => job.scoredRows,
              cell: (job) => progressOf(job, views.get(job.jobId)),
            },
            {
              label: 'Rows scored',
              value: (job) => job.scoredRows,
              cell: (job) => formatNumber(job.scoredRows),
              numeric: true,
            },
            {
              label: 'Bad rows',
              value: (job) => job.badRows,
              cell: (job) => formatNumber(job.badRows),
              numeric: true,
            },
            {
              label: 'Drift',
              value: (job) => job.driftStatus,
              cell: (job) => (job.driftStatus ? badge(job.driftStatus) : '—'),
            },
          ],
          jobs,
          sort,
          { id: 'jobs-table' },
        );
  return { title: 'Jobs', node: h('div', {}, summary, section('Jobs', body)), refreshMs: 1500 };
}

export function modelOf(job: Job): string {
  return job.model ? `${job.model}${job.modelVersion ? `@${job.modelVersion}` : ''}` : '—';
}

function progressOf(job: Job, view: JobView | undefined): HTMLElement | string {
  if (view) {
    const { partitions, partitionsDone, scoredRows } = view.progress;
    return progressBar(
      partitionsDone,
      partitions,
      `${partitionsDone}/${partitions} partitions · ${formatNumber(scoredRows)} rows`,
    );
  }
  if (finished.includes(job.status)) {
    const total = job.totalRows ?? job.scoredRows ?? 0;
    return progressBar(
      total,
      total,
      `${formatNumber(job.scoredRows)} of ${formatNumber(job.totalRows)} rows`,
    );
  }
  return job.status;
}

export const finishedStatuses = finished;
