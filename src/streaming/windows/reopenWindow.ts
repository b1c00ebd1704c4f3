import type { DurableClient } from 'durable-functions';
import type { StreamDefinition } from '../StreamDefinition';
import type { StreamingServices } from '../StreamingServices';
import { streamContainer } from '../streamContainer';
import type { WindowBounds } from './assignWindows';
import { eventsNotIncluded } from './keepLateEvents';
import type { LandedEvent } from './LandedEvent';
import { readJson, type WindowManifest } from './windowBlobs';
import { windowBlobNames } from './windowNames';

/**
 * Late landings under `late: "reopen"`: a window that is done and did not include all of their events
 * becomes Open as its next version (one writer wins, under the row's ETag) and that version's
 * orchestration starts; its timer lets the rest of a burst land, then it commits again over all the
 * window's landings. A window already re-opened (Open) gets its orchestration started if a crash
 * lost the start; a Closing one lists its landings again when it commits. A landing delivered again
 * whose events a version included re-opens nothing. Returns the version that holds the events.
 */
export async function reopenWindow(
  stream: StreamDefinition,
  window: WindowBounds,
  landings: readonly { readonly events: readonly LandedEvent[] }[],
  services: StreamingServices,
  client: DurableClient,
): Promise<number> {
  const container = await streamContainer(stream, services);
  const { manifest } = windowBlobNames(stream, window.start);
  for (;;) {
    const record = await services.windows.get(stream.name, window.start);
    const version = record?.version ?? 1;
    if (!record || record.state === 'Open') {
      if (version > 1) await services.tracker.startVersion(stream, window, version, client);
      else await services.tracker.ensureStarted(stream, window, client);
      return version;
    }
    if (record.state === 'Closing') return version;
    const included = (await readJson<WindowManifest>(container, manifest))?.landings ?? [];
    if (landings.every((landing) => eventsNotIncluded(landing.events, included).length === 0)) return version;
    const reopened = await services.windows.reopen(
      stream.name,
      window.start,
      version,
      new Date().toISOString(),
    );
    if (reopened !== undefined) {
      await services.tracker.startVersion(stream, window, reopened, client);
      return reopened;
    }
  }
}
