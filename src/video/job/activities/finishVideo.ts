import type { VideoJobServices } from '../VideoJobServices';
import type { FinishVideoInput } from '../videoJobContracts';

/**
 * Records the job's end, unless a cancel ended it first. A job that did not succeed tells its running
 * workers to stop; a succeeded one's frames and audio are removed from the work container (the source
 * video stays where it was).
 */
export async function finishVideo(input: FinishVideoInput, services: VideoJobServices): Promise<null> {
  if (input.state !== 'Succeeded') await services.dispatcher().cancel(input.jobId);
  if ((await services.jobs.get(input.jobId))?.status === 'Cancelled') return null;
  await services.jobs.update(input.jobId, {
    status: input.state,
    reason: input.reason,
    output: input.assembled?.output,
    manifest: input.assembled?.manifest,
    completedTime: new Date().toISOString(),
  });
  if (input.state === 'Succeeded') {
    const work = services.storage.container(services.workContainer);
    for await (const blob of work.listBlobsFlat({ prefix: `${input.jobId}/` }))
      await work.deleteBlob(blob.name).catch(() => undefined);
  }
  return null;
}
