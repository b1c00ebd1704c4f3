import type { StreamDefinition } from '../StreamDefinition';
import type { StreamingServices } from '../StreamingServices';
import { streamContainer } from '../streamContainer';
import type { WindowBounds } from './assignWindows';
import type { LandedEvent } from './LandedEvent';
import { countDistinctEvents, readJson, writeJsonLines, type WindowManifest } from './windowBlobs';
import type { LandingRef } from './windowContracts';
import { landingOf, windowBlobNames } from './windowNames';

/**
 * The events a window did not include: those no included landing of their partition covers (a
 * landing holds all of the window's events in its batch's sequence range, so an event in range was
 * included, here or in an overlapping landing of a batch delivered again).
 */
export function eventsNotIncluded(
  events: readonly LandedEvent[],
  included: readonly LandingRef[],
): LandedEvent[] {
  return events.filter(
    (event) =>
      !included.some(
        (landing) =>
          landing.partitionId === event.partitionId &&
          landing.firstSequence <= event.sequenceNumber &&
          event.sequenceNumber <= landing.lastSequence,
      ),
  );
}

/**
 * Late events (the `drop` policy): the events of these landings that the window's commit did not
 * include go to `_late/<window>/<partition>/<first sequence>.jsonl` with the reason, named by their
 * landing so doing it again rewrites the same blob, and the window's late count is recounted from
 * those blobs (each event once). Both the trigger (a landing after the commit) and the commit (a
 * landing during the close) call it; either may see a landing first. Returns the window's late count.
 */
export async function keepLateEvents(
  stream: StreamDefinition,
  window: WindowBounds,
  landings: readonly { readonly name: string; readonly events: readonly LandedEvent[] }[],
  services: StreamingServices,
): Promise<number | undefined> {
  const container = await streamContainer(stream, services);
  const names = windowBlobNames(stream, window.start);
  const manifest = await readJson<WindowManifest>(container, names.manifest);
  const reason = `window ${new Date(window.start).toISOString()} closed at ${manifest?.closedAt ?? 'an earlier time'}, before this event landed`;
  let wrote = false;
  for (const landing of landings) {
    const late = eventsNotIncluded(landing.events, manifest?.landings ?? []);
    if (late.length === 0) continue;
    const { partitionId, firstSequence } = landingOf(landing.name);
    await writeJsonLines(
      container,
      names.late(partitionId, firstSequence),
      late.map((event) => ({ ...event, reason })),
      { stream: stream.name, partition: partitionId, events: String(late.length) },
    );
    wrote = true;
  }
  if (!wrote) return undefined;
  return services.windows.recountLate(stream.name, window.start, () =>
    countDistinctEvents(container, names.lates),
  );
}
