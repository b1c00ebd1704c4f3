import type { HttpResponseInit } from '@azure/functions';
import { NotFoundError } from '../errors';
import { withErrorResponses } from '../http/withErrorResponses';
import { parseModelRef } from '../runtime/models/ModelRef';
import type { StreamDefinition } from './StreamDefinition';
import type { StreamingServices } from './StreamingServices';
import type { StreamPartitionProgress } from './StreamStore';

/** GET /api/streams: every stream the app runs, with its totals. */
export async function listStreams(services: StreamingServices): Promise<HttpResponseInit> {
  return withErrorResponses(async () => {
    const streams = await Promise.all(
      services.definitions.map(async (stream) => {
        const partitions = await services.streams.partitions(stream.name);
        return {
          name: stream.name,
          mode: stream.mode,
          hub: stream.source.hub,
          model: stream.model,
          ...totalsOf(partitions),
        };
      }),
    );
    return { status: 200, jsonBody: { streams } };
  });
}

/** GET /api/streams/{name}: the definition, its model resolved now, and progress per partition. */
export async function getStream(name: string, services: StreamingServices): Promise<HttpResponseInit> {
  return withErrorResponses(async () => {
    const stream = services.definitions.find(
      (candidate) => candidate.name.toLowerCase() === name.toLowerCase(),
    );
    if (!stream)
      throw new NotFoundError(
        `No stream named "${name}". Streams: ${services.definitions.map((d) => d.name).join(', ') || 'none'}.`,
      );
    const partitions = await services.streams.partitions(stream.name);
    return {
      status: 200,
      jsonBody: {
        name: stream.name,
        definition: stream,
        model: await resolveModel(stream, services),
        running: stream.mode === 'perEvent',
        ...totalsOf(partitions),
        partitions,
      },
    };
  });
}

/** What the reference names now; a model that cannot be resolved is reported, not an error. */
async function resolveModel(stream: StreamDefinition, services: StreamingServices) {
  try {
    const pinned = await services.store.resolve(parseModelRef(stream.model, 'model'));
    return { reference: stream.model, name: pinned.name, version: pinned.version, sha256: pinned.sha256 };
  } catch (error) {
    return { reference: stream.model, error: (error as Error).message };
  }
}

function totalsOf(partitions: readonly StreamPartitionProgress[]) {
  const sum = (pick: (row: StreamPartitionProgress) => number) =>
    partitions.reduce((total, row) => total + pick(row), 0);
  const lastBatchAt = partitions
    .map((row) => row.lastBatchAt)
    .sort()
    .at(-1);
  return {
    eventsIn: sum((row) => row.eventsIn),
    badEvents: sum((row) => row.badEvents),
    scoredEvents: sum((row) => row.scoredEvents),
    lastBatchAt: lastBatchAt ?? null,
  };
}
