import type { PartitionTail } from './PartitionTails';
import type { StreamPartitionProgress } from './StreamStore';

/** A partition of a stream as GET /api/streams/{name} shows it. */
export type PartitionStatus = Omit<
  StreamPartitionProgress,
  'recentCounts' | 'lastError' | 'lastErrorAt' | 'lastBatchAt'
> & {
  /** Null for a partition the stream has not read yet. */
  readonly lastBatchAt: string | null;
  /** The service's last sequence number in the partition; null when it could not be read. */
  readonly lastEnqueuedSequenceNumber: number | null;
  /** Events enqueued and not yet processed: the service's last sequence number minus ours. */
  readonly lag: number | null;
  readonly eventsPerSecond: { readonly lastMinute: number; readonly sinceFirstBatch: number | null };
  readonly errors: {
    readonly badEvents: number;
    readonly lastError: { readonly message: string; readonly at: string } | null;
  };
};

const round = (value: number) => Math.round(value * 100) / 100;

/**
 * Each partition's progress (the streams table) next to the hub's tail: lag, events per second over
 * the minute before `now` and since the partition's first batch, and its errors. A partition the hub
 * has and the stream never read shows its whole tail as lag.
 */
export function partitionStatus(
  progress: readonly StreamPartitionProgress[],
  tails: readonly PartitionTail[] | undefined,
  now: number,
): PartitionStatus[] {
  const ids = [
    ...new Set([...(tails ?? []).map((t) => t.partitionId), ...progress.map((p) => p.partitionId)]),
  ];
  ids.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  return ids.map((partitionId) => {
    const row = progress.find((p) => p.partitionId === partitionId);
    const tail = tails?.find((t) => t.partitionId === partitionId);
    const { recentCounts, lastError, lastErrorAt, ...counts } = row ?? emptyProgress(partitionId);
    const processed = counts.lastSequenceNumber;
    const second = Math.floor(now / 1000);
    const lastMinute = (JSON.parse(recentCounts ?? '[]') as [number, number][])
      .filter(([s]) => s > second - 60 && s <= second)
      .reduce((sum, [, events]) => sum + events, 0);
    const elapsed = counts.firstBatchAt === undefined ? 0 : (now - Date.parse(counts.firstBatchAt)) / 1000;
    return {
      ...counts,
      lastBatchAt: row ? counts.lastBatchAt : null,
      lastEnqueuedSequenceNumber: tail?.lastEnqueuedSequenceNumber ?? null,
      lag: tail ? Math.max(0, tail.lastEnqueuedSequenceNumber - processed) : null,
      eventsPerSecond: {
        lastMinute: round(lastMinute / 60),
        sinceFirstBatch: elapsed > 0 ? round(counts.eventsIn / elapsed) : null,
      },
      errors: {
        badEvents: counts.badEvents,
        lastError: lastError === undefined ? null : { message: lastError, at: lastErrorAt ?? '' },
      },
    };
  });
}

function emptyProgress(partitionId: string): StreamPartitionProgress {
  return { partitionId, eventsIn: 0, badEvents: 0, scoredEvents: 0, lastSequenceNumber: -1, lastBatchAt: '' };
}
