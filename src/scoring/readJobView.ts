import type { JobRecord, JobStore, PartitionRecord } from './JobStore';

/** A job as the jobs API shows it: its row, its progress, and each partition's row. */
export interface JobView extends JobRecord {
  readonly progress: {
    readonly partitions: number;
    /** Partitions that have ended (succeeded or failed after their retries). */
    readonly partitionsDone: number;
    readonly partitionsFailed: number;
    /** Rows of the partitions done so far: scored, and bad (in `_errors.jsonl`). */
    readonly scoredRows: number;
    readonly badRows: number;
  };
  readonly partitionDetails: readonly PartitionRecord[];
}

/**
 * The job tables are the one source of a job's progress: the `jobs` row (status, counts once known)
 * and a `jobPartitions` row per partition, written by the activities as each partition starts and
 * ends. The HTTP API, and through it the CLI and the demo, read them here and nowhere else.
 */
export async function readJobView(jobs: JobStore, jobId: string): Promise<JobView | undefined> {
  const [job, partitions] = await Promise.all([jobs.get(jobId), jobs.partitions(jobId)]);
  if (!job) return undefined;
  const done = partitions.filter((partition) => partition.status !== 'Running');
  const succeeded = done.filter((partition) => partition.status === 'Succeeded');
  const badRows = succeeded.reduce((sum, partition) => sum + (partition.badRows ?? 0), 0);
  return {
    ...job,
    progress: {
      partitions: job.partitions ?? partitions.length,
      partitionsDone: done.length,
      partitionsFailed: done.length - succeeded.length,
      scoredRows: succeeded.reduce((sum, partition) => sum + partition.rows, 0) - badRows,
      badRows,
    },
    partitionDetails: partitions,
  };
}
