import { readBlob } from '../storage/readBlob';
import type { BlobDrop } from '../storage/blobDropOf';
import { NotFoundError, ValidationError } from '../errors';
import { checkModelName } from '../runtime/models/ModelCard';
import type { FeedbackServices } from './FeedbackServices';
import { processFeedback } from './processFeedback';

/**
 * A file dropped in the feedback container, `<model>/<anything>.csv`: joined as a batch of that model.
 * Returns what to log; a bad file's reason is on its batch row (GET /api/models/{name}/feedback).
 */
export async function processDroppedFeedback(drop: BlobDrop, services: FeedbackServices): Promise<string> {
  const file = `${services.dropContainer}/${drop.name}`;
  const slash = drop.name.indexOf('/');
  if (slash <= 0 || !drop.name.toLowerCase().endsWith('.csv'))
    return `Feedback ${file} skipped: feedback files are <model>/<anything>.csv.`;
  try {
    const model = drop.name.slice(0, slash);
    checkModelName(model, 'the folder of the feedback file');
    return await joinDrop(model, file, drop, services);
  } catch (error) {
    // Retrying cannot mend a bad file or an unknown model: say why, once.
    if (error instanceof ValidationError || error instanceof NotFoundError)
      return `Feedback ${file} refused: ${error.message}`;
    // Deleted (404) or overwritten (412) since it fired: a new version fires its own trigger.
    const status = (error as { statusCode?: number }).statusCode;
    if (status === 404 || status === 412) return `Feedback ${file} skipped: it changed since it was dropped.`;
    throw error;
  }
}

async function joinDrop(model: string, file: string, drop: BlobDrop, services: FeedbackServices) {
  const blob = services.storage.container(services.dropContainer).getBlobClient(drop.name);
  const conditions = drop.etag === '' ? {} : { ifMatch: drop.etag };
  const size = (await blob.getProperties({ conditions })).contentLength ?? 0;
  if (size > services.maxBytes)
    throw new ValidationError(
      `${file}: ${size} bytes is over the ${services.maxBytes}-byte limit of a feedback batch (FEEDBACK_MAX_BYTES); split it.`,
      { file },
    );
  const { bytes } = await readBlob(blob, { conditions });
  const { batch, alreadyJoined } = await processFeedback(
    { model, bytes, format: 'csv', source: `blob ${file}`, receivedTime: new Date().toISOString() },
    services,
  );
  if (alreadyJoined)
    return `Feedback ${file} was joined before (batch ${batch.sha256}): nothing counted again.`;
  return `Feedback ${file}: ${batch.joined} of ${batch.rows} row(s) joined, ${batch.unjoined} unjoined.`;
}
