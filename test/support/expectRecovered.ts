import { rowIdsOf, type CrashInput } from './crashInput';
import type { CrashOutcome } from './ScoringCrashSuite';

/**
 * What every kill must come to: the job Succeeded with the uninterrupted run's bytes, each input row
 * once and in order, the manifest's counts right, one job (and one orchestration) for the blob version,
 * and the job the API had shown before the kill still there.
 */
export function expectRecovered(outcome: CrashOutcome, reference: Buffer, input: CrashInput): void {
  const { job, manifest } = outcome;
  const ids = rowIdsOf(input, outcome.predictions.toString());
  const partitionRows = manifest.partitions.reduce((sum, partition) => sum + partition.rows, 0);
  const before = outcome.reportedBefore;
  expect({
    status: job.status,
    reason: job.reason,
    sameBytesAsUninterrupted: outcome.predictions.equals(reference),
    rows: {
      written: ids.rows,
      scored: job.scoredRows,
      lost: ids.lost.slice(0, 5),
      duplicated: ids.duplicated.slice(0, 5),
      unknown: ids.unknown,
      outOfOrder: ids.outOfOrder,
    },
    manifest: { status: manifest.status, rows: manifest.rows, partitionRows },
    jobsForBlob: outcome.jobsForBlob.map((row) => row.jobId),
    instances: outcome.instances.map((instance) => `${instance.instanceId} ${instance.runtimeStatus}`),
    reportedJobAfterwards: before && {
      jobId: outcome.reportedAfter?.jobId,
      createdTime: outcome.reportedAfter?.createdTime,
    },
  }).toEqual({
    status: 'Succeeded',
    reason: undefined,
    sameBytesAsUninterrupted: true,
    rows: { written: input.rows, scored: input.rows, lost: [], duplicated: [], unknown: 0, outOfOrder: 0 },
    manifest: {
      status: 'Succeeded',
      rows: { total: input.rows, scored: input.rows, bad: 0 },
      partitionRows: input.rows,
    },
    jobsForBlob: [outcome.jobId],
    instances: [`${outcome.jobId} Completed`],
    reportedJobAfterwards: before && { jobId: before.jobId, createdTime: before.createdTime },
  });
}
