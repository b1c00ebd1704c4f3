import { Presets, SingleBar } from 'cli-progress';
import { finishedJobStatuses } from '../scoring/JobStore';
import type { JobsApiClient, JobView } from './JobsApiClient';

/**
 * Polls GET /api/jobs/{id} until the job finishes, with a progress bar over its partitions on stderr
 * (drawn on a terminal only). A job that does not exist yet (a blob drop the trigger has not picked up)
 * is waited for. `timeoutMs` bounds the whole wait.
 */
export async function followJob(
  api: JobsApiClient,
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
      const job = await api.get(jobId).catch((error: unknown) => {
        if ((error as { status?: number }).status === 404) return undefined;
        throw error;
      });
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
