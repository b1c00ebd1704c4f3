import type { BlobDrop } from '../../storage/blobDropOf';
import type { DurableClient } from 'durable-functions';
import { ValidationError } from '../../errors';
import { resolveVideoJob } from './VideoJobSpec';
import type { VideoJobServices } from './VideoJobServices';
import { startVideoJob, videoJobIdForBlob } from './startVideoJob';

/**
 * Starts the job of one video version: the model is the blob's metadata `model`, else the default;
 * metadata `autoscore=false` (an upload for POST /api/videos) starts nothing. A
 * drop the spec refuses becomes a Failed job with the reason (visible in the videos API) rather than a
 * trigger failure retried into the poison queue. Returns what to log.
 */
export async function startVideoForDrop(
  drop: BlobDrop,
  client: DurableClient,
  services: VideoJobServices,
): Promise<string> {
  const container = services.defaults.inputContainer;
  const where = `${container}/${drop.name}`;
  if (drop.metadata?.autoscore?.toLowerCase() === 'false')
    return `Not styling ${where}: its metadata says autoscore=false (styled by an API job).`;
  const jobId = videoJobIdForBlob(container, drop.name, drop.etag);
  const model = drop.metadata?.model ?? services.defaults.model;
  try {
    const input = resolveVideoJob(
      { input: { container, blob: drop.name }, model },
      services.defaults,
      services.containers,
      jobId,
    );
    const started = await startVideoJob(client, services, input, 'blob');
    return started
      ? `Started video job ${jobId} for ${where} with model ${model}`
      : `Video job ${jobId} for this version of ${where} exists already`;
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const at = new Date().toISOString();
    await services.jobs.create({
      jobId,
      status: 'Failed',
      source: 'blob',
      input: where,
      model,
      createdTime: at,
      completedTime: at,
      reason: `Not styled: ${error.message}`,
    });
    return `Video job ${jobId} for ${where} failed: ${error.message}`;
  }
}
