import { Presets, SingleBar } from 'cli-progress';
import { finishedJobStatuses } from '../scoring/JobStore';
import type { JobView } from '../scoring/readJobView';
import type { JobsApiClient } from './JobsApiClient';

/** Reads a job's view: over the jobs API, or from the job tables in the host's own process. */
export type JobViewReader = (jobId: string) => Promise<JobView | undefined>;

/** The job views of a running host, over GET /api/jobs/{id}; a job not there yet is undefined. */
export function jobsApiReader(api: JobsApiClient): JobViewReader {
  return (jobId) =>
    api.get(jobId).catch((error: unknown) => {
      if ((error as { status?: number }).status === 404) return undefined;
      throw error;
    });
}

/**
 * Polls the job's view (readJobView, the one source of job progress) until the job finishes, with a
 * progress bar over its partitions on stderr (drawn on a terminal only). A job that does not exist yet
 * (a blob drop the trigger has not picked up) is waited for. `timeoutMs` bounds the whole wait.
 */
export async function followJob(
  read: JobViewReader,
  jobId: string,
  options: { label: string; timeoutMs?: number },
): Promise<JobView> {
  const bar = new SingleBar(
    {
      format: `${options.label} [{bar}] {value}/{total} partitions | {status}`,
      hideCursor: true,
      stream: process.stderr,
    },
    Presets.shades_classic,
  );
  const deadline = Date.now() + (options.timeoutMs ?? Number.POSITIVE_INFINITY);
  let started = false;
  try {
    for (;;) {
      const job = await read(jobId);
      if (job && job.progress.partitions > 0) {
        if (!started) bar.start(job.progress.partitions, 0, { status: job.status });
        started = true;
        bar.update(job.progress.partitionsDone, { status: job.status });
      }
      if (job && finishedJobStatuses.includes(job.status)) return job;
      if (Date.now() > deadline)
        throw new Error(
          `Job ${jobId} did not finish within ${Math.round((options.timeoutMs ?? 0) / 1000)} s; see the host log.`,
        );
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } finally {
    if (started) bar.stop();
  }
}
