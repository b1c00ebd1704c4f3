import { LRUCache } from 'lru-cache';
import type { StorageConnection } from '../storage/StorageConnection';
import { InvalidEventsError, type EventToSend, type StoredEvent } from './EventHubEvent';
import { prepareEvent } from './log/eventRecord';
import { openHubProperties } from './log/hubProperties';
import { PartitionReader, type BlockCache } from './log/PartitionReader';
import { readTail, type DescribePlace } from './log/PartitionTail';
import { PartitionWriter, type LogLimits } from './log/PartitionWriter';
import { eventHubsContainer, SegmentStore } from './log/SegmentStore';

export const defaultPartitionCount = 4;
export const maxPartitionCount = 32;
/** How long events are kept unless `EventHubs__<hub>__RetentionHours` says otherwise: Event Hubs' default of one day. */
export const defaultRetentionHours = 24;

export interface EventHubLogOptions {
  /** Events older than this are removed, a whole segment at a time, by `enforceRetention` (default 24). */
  readonly retentionHours?: number;
  /** @internal Roll to a new segment past this many bytes (default 64 MiB); small in tests. */
  readonly segmentBytes?: number;
  /** @internal Largest block, one storage append (default 4 MiB, the service's classic limit). */
  readonly blockBytes?: number;
  /** @internal Bytes of blocks the readers keep in memory (default 32 MiB). */
  readonly cacheBytes?: number;
}

/** A partition's runtime information, as the Event Hubs management operation reports it. */
export interface PartitionInfo {
  readonly beginningSequenceNumber: number;
  readonly lastEnqueuedSequenceNumber: number;
  readonly lastEnqueuedOffset: number;
  readonly lastEnqueuedTime: Date;
  readonly isEmpty: boolean;
}

const defaultLimits: LogLimits = {
  segmentBytes: 64 * 1024 * 1024,
  blockBytes: 4 * 1024 * 1024,
  // An append blob takes 50,000 blocks; the seal block and a margin fit under this.
  segmentBlocks: 49_000,
};
const readBytes = 8 * 1024 * 1024;
const defaultCacheBytes = 32 * 1024 * 1024;

/** Where a reader starts: after (or at) a byte offset, or after an enqueued time. */
export type LogPosition =
  { readonly offset: number; readonly inclusive: boolean } | { readonly enqueuedAfter: Date };

/**
 * The local stand-in for one event hub: per partition, a stream of append-blob segments in the host's
 * storage (docs/event-hubs-local.md, "Storage layout"). Any number of writers and readers, in this
 * process or others, may share it: appends are conditional on the segment's length, so sequence numbers
 * stay dense and in commit order, and each append call's events are consecutive and all-or-nothing.
 */
export class EventHubLog {
  readonly #writers = new Map<string, PartitionWriter>();
  readonly #readers = new Map<string, PartitionReader>();
  readonly #cache: BlockCache;
  readonly #limits: LogLimits;
  readonly #retentionHours: number;

  private constructor(
    readonly hub: string,
    readonly partitionCount: number,
    readonly createdAt: Date,
    private readonly store: SegmentStore,
    options: EventHubLogOptions,
  ) {
    this.#limits = {
      ...defaultLimits,
      ...(options.segmentBytes !== undefined ? { segmentBytes: options.segmentBytes } : {}),
      ...(options.blockBytes !== undefined ? { blockBytes: options.blockBytes } : {}),
    };
    this.#retentionHours = options.retentionHours ?? defaultRetentionHours;
    this.#cache = new LRUCache<string, Buffer>({
      maxSize: options.cacheBytes ?? defaultCacheBytes,
      sizeCalculation: (bytes) => Math.max(1, bytes.length),
    });
  }

  /** Opens the hub's log, creating it with `partitionCount` partitions if it does not exist yet. */
  static async open(
    storage: StorageConnection,
    hub: string,
    partitionCount: number,
    options: EventHubLogOptions = {},
  ): Promise<EventHubLog> {
    const container = storage.blobs.getContainerClient(eventHubsContainer);
    await container.createIfNotExists();
    const store = new SegmentStore(container, hub.toLowerCase());
    const properties = await openHubProperties(container, store.hubFolder, hub, partitionCount);
    return new EventHubLog(hub, properties.partitionCount, properties.createdAt, store, options);
  }

  /** The partition ids, "0" to "n-1". */
  partitionIds(): string[] {
    return Array.from({ length: this.partitionCount }, (_, index) => String(index));
  }

  /** Appends events to one partition in order, all or none; resolves once they are durable, as stored. */
  async append(partitionId: string, events: readonly EventToSend[]): Promise<StoredEvent[]> {
    const writer = this.#writer(partitionId);
    return writer.append(events.map(prepareEvent));
  }

  /** Up to `maxCount` events of a partition from `fromSequenceNumber` on, in sequence order. */
  async read(partitionId: string, fromSequenceNumber: number, maxCount: number): Promise<StoredEvent[]> {
    return this.#reader(partitionId).read(fromSequenceNumber, maxCount);
  }

  /** What the Event Hubs management operation reports of a partition. */
  async partitionInfo(partitionId: string): Promise<PartitionInfo> {
    this.#checkPartition(partitionId);
    const segments = await this.store.list(partitionId);
    const last = segments.at(-1);
    if (!last) {
      return {
        beginningSequenceNumber: 0,
        lastEnqueuedSequenceNumber: -1,
        lastEnqueuedOffset: -1,
        lastEnqueuedTime: new Date(0),
        isEmpty: true,
      };
    }
    const tail = await readTail(this.store, last, this.#describe(partitionId));
    const isEmpty = segments[0]!.firstSequenceNumber >= tail.nextSequenceNumber;
    return {
      beginningSequenceNumber: isEmpty ? tail.nextSequenceNumber : segments[0]!.firstSequenceNumber,
      lastEnqueuedSequenceNumber: tail.nextSequenceNumber - 1,
      lastEnqueuedOffset: isEmpty ? -1 : tail.lastOffset,
      lastEnqueuedTime: new Date(tail.lastTimeMs),
      isEmpty,
    };
  }

  /**
   * The sequence number of the first event a receiver gets for a filter on offset (`x-opt-offset >`/`>=`;
   * -1 is the beginning) or on enqueued time (`x-opt-enqueued-time >`); the next sequence number to be
   * written when no event matches yet.
   */
  async firstSequenceNumber(partitionId: string, position: LogPosition): Promise<number> {
    const reader = this.#reader(partitionId);
    return 'offset' in position
      ? reader.firstAfterOffset(position.offset, position.inclusive)
      : reader.firstAfterTime(position.enqueuedAfter.getTime());
  }

  /**
   * Deletes the segments whose newest event is older than the retention period (the last segment too,
   * once it is sealed for that), as Event Hubs drops whole storage blocks. Returns how many events went.
   */
  async enforceRetention(now: Date = new Date()): Promise<number> {
    const cutoffMs = now.getTime() - this.#retentionHours * 3_600_000;
    let removed = 0;
    for (const partitionId of this.partitionIds()) {
      await this.#writer(partitionId).sealIfOlderThan(cutoffMs);
      const segments = await this.store.list(partitionId);
      const deleted = new Set<string>();
      for (let index = 0; index + 1 < segments.length; index++) {
        const segment = segments[index]!;
        const next = segments[index + 1]!;
        // The next segment opened when this one's newest event was the partition's newest.
        if (next.opened.lastTimeMs >= cutoffMs) break;
        await this.store.delete(segment);
        deleted.add(segment.name);
        removed += next.firstSequenceNumber - segment.firstSequenceNumber;
      }
      this.#readers.get(partitionId)?.forget(deleted);
    }
    return removed;
  }

  #writer(partitionId: string): PartitionWriter {
    this.#checkPartition(partitionId);
    let writer = this.#writers.get(partitionId);
    if (!writer) {
      writer = new PartitionWriter(this.store, partitionId, this.#limits, this.#describe(partitionId));
      this.#writers.set(partitionId, writer);
    }
    return writer;
  }

  #reader(partitionId: string): PartitionReader {
    this.#checkPartition(partitionId);
    let reader = this.#readers.get(partitionId);
    if (!reader) {
      reader = new PartitionReader(
        this.store,
        partitionId,
        this.#cache,
        readBytes,
        this.#describe(partitionId),
      );
      this.#readers.set(partitionId, reader);
    }
    return reader;
  }

  #describe(partitionId: string): DescribePlace {
    return (segment, position) =>
      `Event hub '${this.hub}', partition ${partitionId}: segment ${eventHubsContainer}/${segment.name}, byte ${position}`;
  }

  #checkPartition(partitionId: string): void {
    if (!/^(0|[1-9]\d*)$/.test(partitionId) || Number(partitionId) >= this.partitionCount) {
      throw new InvalidEventsError(
        `Event hub '${this.hub}' has partitions 0-${this.partitionCount - 1}; there is no partition "${partitionId}".`,
      );
    }
  }
}
