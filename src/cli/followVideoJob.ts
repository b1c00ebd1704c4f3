import { Presets, SingleBar } from 'cli-progress';
import { finishedVideoStatuses } from '../video/job/VideoJobStore';
import type { VideoJobView } from '../video/job/videosHttp';
import type { JobsApiClient } from './JobsApiClient';

/** GET /api/videos/{id}. */
export function getVideoJob(api: JobsApiClient, jobId: string): Promise<VideoJobView> {
  return api.call('GET', `videos/${encodeURIComponent(jobId)}`);
}

/** POST /api/videos/{id}/cancel. */
export function cancelVideoJob(api: JobsApiClient, jobId: string): Promise<{ id: string; status: string }> {
  return api.call('POST', `videos/${encodeURIComponent(jobId)}/cancel`);
}

/**
 * Polls a video job until it ends, with a bar of frames styled on stderr (a terminal only; elsewhere
 * one line per stage). Ctrl+C cancels the job (POST cancel) before the process exits; a second Ctrl+C
 * exits at once.
 */
export async function followVideoJob(api: JobsApiClient, jobId: string): Promise<VideoJobView> {
  const bar = new SingleBar(
    {
      format: 'Styling [{bar}] {value}/{total} frames | {stage}',
      hideCursor: true,
      stream: process.stderr,
    },
    Presets.shades_classic,
  );
  let barStarted = false;
  let lastStage: string | undefined;
  const stopBar = () => {
    if (barStarted) bar.stop();
    barStarted = false;
  };
  const onSignal = cancelOnInterrupt(api, jobId, stopBar);
  process.on('SIGINT', onSignal);
  try {
    for (;;) {
      const job = await getVideoJob(api, jobId);
      if (finishedVideoStatuses.includes(job.status)) return job;
      const progress = job.progress;
      if (progress && progress.stage !== lastStage) {
        lastStage = progress.stage;
        if (!process.stderr.isTTY) console.error(`Job ${jobId}: ${progress.stage}`);
      }
      if (progress && progress.framesTotal > 0) {
        if (!barStarted) bar.start(progress.framesTotal, 0, { stage: progress.stage });
        barStarted = true;
        bar.update(progress.framesDone, { stage: progress.stage });
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } finally {
    process.off('SIGINT', onSignal);
    stopBar();
  }
}

/** The SIGINT handler: cancel the job, say so, exit 130 (what a shell reports for Ctrl+C). */
function cancelOnInterrupt(api: JobsApiClient, jobId: string, stopBar: () => void): () => void {
  let interrupted = false;
  return () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    stopBar();
    console.error(`Cancelling video job ${jobId} (Ctrl+C again to exit without waiting)...`);
    cancelVideoJob(api, jobId)
      .then(
        (result) => console.error(`Video job ${result.id}: ${result.status}.`),
        (error: unknown) => console.error(`Could not cancel video job ${jobId}: ${(error as Error).message}`),
      )
      .finally(() => process.exit(130));
  };
}
