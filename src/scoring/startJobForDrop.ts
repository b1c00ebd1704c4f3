import type { BlobDrop } from '../storage/blobDropOf';
import type { DurableClient } from 'durable-functions';
import { ValidationError } from '../errors';
import { isImageName } from './images/listImageShards';
import { jobIdForBlob } from './jobIds';
import type { JobSpec } from './JobSpec';
import { modelLabelOf, resolveJobSpec } from './resolveJobSpec';
import type { ScoringServices } from './ScoringServices';
import { startScoreJob } from './startScoreJob';

/**
 * Blob metadata that keeps the blob trigger from scoring an upload: for files uploaded to the input
 * container only to be scored by a job started over POST /api/jobs (with its own options), which would
 * otherwise be scored twice.
 */
export const noAutoScoreMetadata: Readonly<Record<string, string>> = { autoscore: 'false' };

/**
 * Starts the job of one blob version (its id derives from the container, name and ETag, so a re-fired
 * trigger finds its job). The model is the blob's metadata `model`, else its first folder when a model
 * has that name, else the default. An image (by its name's extension) is classified alone by an image
 * job, with the model the drop names (metadata or folder: the default model scores files). A drop
 * whose spec is bad (an unknown extension, a bad `model` metadata) becomes a Failed job with the
 * reason, visible in the jobs API, rather than a trigger failure retried into the poison queue.
 * Returns what to log.
 */
export async function startJobForDrop(
  drop: BlobDrop,
  client: DurableClient,
  services: ScoringServices,
): Promise<string> {
  const container = services.defaults.inputContainer;
  const where = `${container}/${drop.name}`;
  if (drop.metadata?.autoscore?.toLowerCase() === 'false')
    return `Not scoring ${where}: its metadata says autoscore=false (scored by an API job).`;
  const jobId = jobIdForBlob(container, drop.name, drop.etag);
  const folder = drop.name.includes('/') ? drop.name.split('/')[0] : undefined;
  const folderIsModel =
    folder !== undefined && !drop.metadata?.model && (await services.runtime.store.hasModel(folder));
  const named = drop.metadata?.model ?? (folderIsModel ? folder : undefined);
  const image = isImageName(drop.name);
  // The default model scores files; an image is classified only by a model the drop names.
  if (image && named === undefined) return failDrop(services, jobId, where, imageNeedsModel);
  const request: JobSpec = {
    input: image ? { blob: drop.name, format: 'images' } : { blob: drop.name },
    model: named ?? services.defaultModel,
  };
  let spec;
  try {
    spec = resolveJobSpec(request, services.defaults, { jobId, inputEtag: drop.etag });
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return failDrop(services, jobId, where, dropProblem(error, drop));
  }
  const { created } = await startScoreJob(client, services.jobs, { jobId, spec, source: 'blob' });
  return created
    ? `Started job ${jobId} for ${where} with model ${modelLabelOf(spec.model)}`
    : `Job ${jobId} for this version of ${where} exists already`;
}

const imageNeedsModel =
  'it is an image, and the default model does not classify images: set the blob\'s metadata "model" to an image model, or drop it under a folder named after one.';

/** Records a drop that cannot be scored as a Failed job with the reason; returns what to log. */
async function failDrop(
  services: ScoringServices,
  jobId: string,
  where: string,
  problem: string,
): Promise<string> {
  const reason = `Not scored: ${problem}`;
  const created = await services.jobs.create({
    jobId,
    status: 'Failed',
    source: 'blob',
    createdTime: new Date().toISOString(),
    completedTime: new Date().toISOString(),
    input: where,
    reason,
  });
  return created ? `Job ${jobId} for ${where} failed: ${reason}` : `Job ${jobId} for ${where} exists already`;
}

/**
 * A drop's spec is built from the blob, not written by the user: say which part of the blob to change
 * (its metadata, its name) rather than a spec field the user never saw.
 */
function dropProblem(error: ValidationError, drop: BlobDrop): string {
  if (error.details.field === 'model' && drop.metadata?.model !== undefined)
    return `Blob metadata "model": ${error.message}`;
  if (error.details.field === 'input.format')
    return error.message.replace(
      /, or set input\.format\.$/,
      ', or score it with POST /api/jobs and set input.format.',
    );
  return error.message;
}
