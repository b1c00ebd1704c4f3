import { NotFoundError, ValidationError } from '../../../errors';
import { parseModelRef } from '../../../runtime/models/ModelRef';
import { streamContainer } from '../../streamContainer';
import type { StreamDefinition } from '../../StreamDefinition';
import type { StreamingServices } from '../../StreamingServices';
import { streamOf } from '../streamOf';
import { listLandings } from '../windowBlobs';
import type { CloseResult, WindowRef } from '../windowContracts';
import { windowBlobNames } from '../windowNames';

/**
 * Closes a window: Closing first (so a landing that still reads Open was written before the listing
 * below), then the list of its landings, then the model that scores it, pinned once for the whole
 * window: a promotion after this close applies from the next window on. A model that cannot be
 * resolved is the window's failure, not a retry.
 */
export async function closeStreamWindow(input: WindowRef, services: StreamingServices): Promise<CloseResult> {
  const stream = streamOf(input.stream, services);
  const window = { start: input.windowStart, end: input.windowEnd };
  const record = await services.windows.beginClose(stream.name, window, new Date().toISOString());
  const container = await streamContainer(stream, services);
  // The model is pinned after the close, beside the listing.
  const [landings, pinned] = await Promise.all([
    listLandings(container, windowBlobNames(stream, window.start).landings),
    pinModel(stream, services),
  ]);
  const closedAt = record.closedAt ?? new Date().toISOString();
  // The row keeps the previous version's counts until this version commits.
  const previous =
    (input.version ?? 1) > 1
      ? { previous: { eventsIn: record.eventsIn ?? 0, lateEvents: record.lateEvents ?? 0 } }
      : {};
  return { closedAt, landings, ...pinned, ...previous };
}

/** The version of the stream's model that scores the window; else why none can. */
async function pinModel(
  stream: StreamDefinition,
  services: StreamingServices,
): Promise<Pick<CloseResult, 'model' | 'modelError'>> {
  try {
    const model = await services.store.resolve(parseModelRef(stream.model, 'model'));
    return { model: { name: model.name, version: model.version, sha256: model.sha256 } };
  } catch (error) {
    if (!(error instanceof ValidationError || error instanceof NotFoundError)) throw error;
    return { modelError: `model ${stream.model} cannot score this window: ${error.message}` };
  }
}
