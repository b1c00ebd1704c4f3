import { streamContainer } from '../../streamContainer';
import type { StreamingServices } from '../../StreamingServices';
import { aggregateWindowEvents } from '../aggregateWindowEvents';
import type { LandedEvent } from '../LandedEvent';
import { streamOf } from '../streamOf';
import { forEachLimited, readLanding, writeJson } from '../windowBlobs';
import type { AggregateInput, AggregateResult } from '../windowContracts';
import { windowBlobNames } from '../windowNames';

/**
 * Reads the landings the close listed (each up to the sequence range it had then: a batch delivered
 * again may have rewritten it longer since, and those events are late; from the process's landing
 * cache, as the events themselves, when this process wrote them), aggregates per key, counting
 * each event once, and writes the feature rows in shards of `windowShardRows` keys for scoring.
 */
export async function aggregateStreamWindow(
  input: AggregateInput,
  services: StreamingServices,
): Promise<AggregateResult> {
  const stream = streamOf(input.stream, services);
  const container = await streamContainer(stream, services);
  const names = windowBlobNames(stream, input.windowStart, input.version);
  const events: LandedEvent[] = [];
  await forEachLimited(input.landings, 8, async (landing) => {
    const cached = services.landings?.take(landing.name, landing.lastSequence);
    const landed = cached ?? (await readLanding(container, landing.name));
    for (const event of landed) if (event.sequenceNumber <= landing.lastSequence) events.push(event);
  });
  const aggregate = aggregateWindowEvents(events, stream.features);
  const size = services.windowShardRows;
  const shards = Math.ceil(aggregate.rows.length / size);
  await forEachLimited(
    Array.from({ length: shards }, (_, shard) => shard),
    8,
    (shard) =>
      writeJson(container, names.featureShard(shard), aggregate.rows.slice(shard * size, (shard + 1) * size)),
  );
  return {
    eventsIn: aggregate.eventsIn,
    duplicates: aggregate.duplicates,
    keys: aggregate.rows.length,
    shards,
  };
}
