import type { HttpResponseInit } from '@azure/functions';
import { z } from 'zod';
import { NotFoundError, ValidationError } from '../errors';
import { withErrorResponses } from '../http/withErrorResponses';
import { parseModelRef } from '../runtime/models/ModelRef';
import { partitionStatus, type PartitionStatus } from './partitionStatus';
import type { StreamDefinition } from './StreamDefinition';
import type { StreamingServices } from './StreamingServices';
import type { StreamPartitionProgress } from './StreamStore';
import type { WindowRecord } from './windows/StreamWindowStore';

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

/**
 * GET /api/streams/{name}: the definition, its model resolved now, the last window, and per partition
 * its progress, lag, throughput and errors.
 */
export async function getStream(name: string, services: StreamingServices): Promise<HttpResponseInit> {
  return withErrorResponses(async () => {
    const stream = streamNamed(name, services);
    const [partitions, tails, failedWindows] = await Promise.all([
      services.streams.partitions(stream.name),
      services.tails.read(stream).catch((error: unknown) => ({ error: (error as Error).message })),
      stream.window ? services.windows.listFailed(stream.name) : [],
    ]);
    const statuses = partitionStatus(partitions, Array.isArray(tails) ? tails : undefined, Date.now());
    return {
      status: 200,
      jsonBody: {
        name: stream.name,
        definition: stream,
        model: await resolveModel(stream, services),
        running: true,
        ...totalsOf(partitions),
        lag: Array.isArray(tails) ? statuses.reduce((sum, p) => sum + (p.lag ?? 0), 0) : null,
        ...(Array.isArray(tails)
          ? {}
          : { lagError: `The hub's partitions could not be read: ${tails.error}` }),
        errors: errorsOf(statuses, failedWindows),
        ...(stream.window ? { lastWindow: await lastWindow(stream, partitions, services) } : {}),
        partitions: statuses,
      },
    };
  });
}

/** The stream's bad events, failed windows and its latest error: a partition's or a window's. */
function errorsOf(partitions: readonly PartitionStatus[], failedWindows: readonly WindowRecord[]) {
  const candidates = [
    ...partitions.flatMap(({ partitionId, errors: { lastError } }) =>
      lastError ? [{ ...lastError, partitionId }] : [],
    ),
    ...failedWindows.map((window) => ({
      message: window.reason ?? 'failed',
      at: window.committedAt ?? '',
      windowStart: window.windowStart,
    })),
  ];
  return {
    badEvents: partitions.reduce((sum, p) => sum + p.errors.badEvents, 0),
    failedWindows: failedWindows.length,
    lastError: candidates.sort((a, b) => a.at.localeCompare(b.at)).at(-1) ?? null,
  };
}

const windowRange = z.object({
  from: z.string().optional(),
  to: z.string().optional(),
});

/** GET /api/streams/{name}/windows?from=&to=: the windows starting in [from, to) (ISO 8601 or epoch ms). */
export async function listStreamWindows(
  name: string,
  query: URLSearchParams,
  services: StreamingServices,
): Promise<HttpResponseInit> {
  return withErrorResponses(async () => {
    const stream = streamNamed(name, services);
    if (!stream.window)
      throw new ValidationError(`Stream ${stream.name} is a perEvent stream: it has no windows.`, {
        field: 'name',
      });
    const { from, to } = windowRange.parse(Object.fromEntries(query));
    const range = { from: timeParameter(from, 'from'), to: timeParameter(to, 'to') };
    const windows = await services.windows.list(stream.name, range);
    return { status: 200, jsonBody: { stream: stream.name, windows } };
  });
}

function timeParameter(text: string | undefined, field: string): number | undefined {
  if (text === undefined || text === '') return undefined;
  const time = /^-?\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(time))
    throw new ValidationError(
      `Query parameter "${field}" must be an ISO 8601 time or epoch milliseconds, not "${text}".`,
      {
        field,
      },
    );
  return time;
}

/** The latest window near the stream's watermark (windows far behind it are closed and listed by range). */
async function lastWindow(
  stream: StreamDefinition,
  partitions: readonly StreamPartitionProgress[],
  services: StreamingServices,
): Promise<WindowRecord | null> {
  const watermark = Math.max(...partitions.map((row) => row.watermark ?? -Infinity));
  if (!Number.isFinite(watermark)) return null;
  const { size, allowedLateness } = stream.window!;
  const windows = await services.windows.list(stream.name, {
    from: watermark - 4 * (size + allowedLateness),
  });
  return windows.at(-1) ?? null;
}

function streamNamed(name: string, services: StreamingServices): StreamDefinition {
  const stream = services.definitions.find(
    (candidate) => candidate.name.toLowerCase() === name.toLowerCase(),
  );
  if (!stream)
    throw new NotFoundError(
      `No stream named "${name}". Streams: ${services.definitions.map((d) => d.name).join(', ') || 'none'}.`,
    );
  return stream;
}

/** What the reference names now; a model that cannot be resolved is reported, not an error. */
export async function resolveModel(stream: StreamDefinition, services: StreamingServices) {
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
    landedEvents: sum((row) => row.landedEvents ?? 0),
    lastBatchAt: lastBatchAt ?? null,
  };
}
