import type { LRUCache } from 'lru-cache';
import { hasStatus } from '../../storage/storageErrors';
import type { StoredEvent } from '../EventHubEvent';
import { readRecord } from './eventRecord';
import { blockHeaderBytes, eventOffset, LogFormatError } from './logBlock';
import type { DescribePlace } from './PartitionTail';
import { SegmentIndex } from './SegmentIndex';
import type { SegmentStore } from './SegmentStore';

/** Block bytes by `<segment>@<position>`, shared by a log's partitions and bounded in bytes. */
export type BlockCache = LRUCache<string, Buffer>;

interface Cursor {
  readonly block: string;
  readonly sequenceNumber: number;
  readonly at: number;
}

/**
 * Reads one partition for any number of consumers: an index of each segment's committed blocks, built
 * once from range reads of new bytes (a segment is never read from its start again), and the blocks'
 * bytes in a shared LRU cache. New appends, by any process, are found by polling the last segment's
 * length.
 */
export class PartitionReader {
  #segments: SegmentIndex[] | undefined;
  #listing: Promise<SegmentIndex[]> | undefined;
  // Where the last read stopped inside a block, so a sequential consumer does not walk it again.
  #cursor: Cursor | undefined;

  constructor(
    private readonly store: SegmentStore,
    readonly partitionId: string,
    private readonly cache: BlockCache,
    private readonly readBytes: number,
    private readonly describe: DescribePlace,
  ) {}

  /** Up to `maxCount` events from `fromSequenceNumber` on (from the oldest kept one if that is older). */
  async read(fromSequenceNumber: number, maxCount: number): Promise<StoredEvent[]> {
    try {
      return await this.#read(fromSequenceNumber, maxCount);
    } catch (error) {
      // Retention (here or in another process) deleted a segment this reader knew of.
      if (!hasStatus(error, 404)) throw error;
      this.#segments = undefined;
      return this.#read(fromSequenceNumber, maxCount);
    }
  }

  /** Forgets segments that retention deleted. */
  forget(names: ReadonlySet<string>): void {
    this.#segments = this.#segments?.filter((index) => !names.has(index.segment.name));
    for (const key of this.cache.keys())
      if (names.has(key.slice(0, key.lastIndexOf('@')))) this.cache.delete(key);
  }

  /** The first event at (or after) a stream offset; the next sequence number when there is none yet. */
  async firstAfterOffset(offset: number, inclusive: boolean): Promise<number> {
    const segments = await this.#list(true);
    if (segments.length === 0) return 0;
    const first = segments.findLastIndex((index) => index.segment.firstOffset <= offset);
    if (offset < 0 || first < 0) return segments[0]!.segment.firstSequenceNumber;
    const index = segments[first]!;
    await this.#scanToEnd(index);
    for (const [position, block] of index.blocks.entries()) {
      if (eventOffset(index.segment.firstOffset, block.position + block.length) <= offset) continue;
      const bytes = await this.#blockBytes(index, position);
      let at = blockHeaderBytes;
      for (let event = 0; event < block.eventCount; event++) {
        const candidate = eventOffset(index.segment.firstOffset, block.position + at);
        if (inclusive ? candidate >= offset : candidate > offset) return block.firstSequenceNumber + event;
        at += bytes.readUInt32LE(at);
      }
    }
    // Nothing after the offset in its segment: the first event after it is the next segment's first.
    return index.nextSequenceNumber;
  }

  /** The first event enqueued after `timeMs`; the next sequence number when there is none yet. */
  async firstAfterTime(timeMs: number): Promise<number> {
    const segments = await this.#list(true);
    if (segments.length === 0) return 0;
    for (const [position, index] of segments.entries()) {
      // A segment's newest event is as old as the partition was when the next segment opened.
      const newest = segments[position + 1]?.segment.opened.lastTimeMs;
      if (newest !== undefined && newest <= timeMs) continue;
      await this.#scanToEnd(index);
      const block = index.blocks.find((candidate) => candidate.enqueuedTimeMs > timeMs);
      if (block) return block.firstSequenceNumber;
    }
    const last = segments.at(-1)!;
    await this.#scanToEnd(last);
    return last.nextSequenceNumber;
  }

  async #read(fromSequenceNumber: number, maxCount: number): Promise<StoredEvent[]> {
    let segments = await this.#list(false);
    if (segments.length === 0 || maxCount <= 0) return [];
    let sequenceNumber = Math.max(fromSequenceNumber, segments[0]!.segment.firstSequenceNumber);
    let current = segments[segmentOf(segments, sequenceNumber)]!;
    const events: StoredEvent[] = [];
    let listed = false;
    let measured = false;
    try {
      while (events.length < maxCount) {
        if (sequenceNumber < current.nextSequenceNumber) {
          const read = await this.#decode(current, sequenceNumber, maxCount - events.length);
          events.push(...read);
          sequenceNumber += read.length;
        } else if (current.scannedTo < current.length) {
          await this.#scan(current);
        } else if (current.sealed) {
          const name = current.segment.name;
          const next = segments[segments.findIndex((index) => index.segment.name === name) + 1];
          if (next) {
            current = next;
          } else {
            if (listed) break;
            listed = true;
            segments = await this.#list(true);
          }
        } else {
          // The last segment, walked to its known end: has it grown since?
          if (measured) break;
          measured = true;
          current.length = await this.store.length(current.segment);
        }
      }
    } catch (error) {
      // Hand out what was read; the next read starts where this one failed and fails there again.
      if (events.length === 0) throw error;
    }
    return events;
  }

  async #decode(index: SegmentIndex, sequenceNumber: number, maxCount: number): Promise<StoredEvent[]> {
    const events: StoredEvent[] = [];
    let position = index.blockOf(sequenceNumber);
    if (position < 0) {
      throw new LogFormatError(
        `${this.describe(index.segment, 0)}: sequence number ${sequenceNumber} is in no block of the segment.`,
      );
    }
    let next = sequenceNumber;
    for (; position < index.blocks.length && events.length < maxCount; position++) {
      const block = index.blocks[position]!;
      const bytes = await this.#blockBytes(index, position);
      const key = blockKey(index, block.position);
      const cursor = this.#cursor;
      let at = blockHeaderBytes;
      let current = block.firstSequenceNumber;
      if (cursor?.block === key && cursor.sequenceNumber <= next) ({ at, sequenceNumber: current } = cursor);
      for (; current < next; current++) at += bytes.readUInt32LE(at);
      const end = block.firstSequenceNumber + block.eventCount;
      for (; current < end && events.length < maxCount; current++) {
        const offset = eventOffset(index.segment.firstOffset, block.position + at);
        const enqueuedTime = new Date(block.enqueuedTimeMs);
        events.push(
          readRecord(bytes, at, {
            partitionId: this.partitionId,
            sequenceNumber: current,
            offset,
            enqueuedTime,
          }),
        );
        at += bytes.readUInt32LE(at);
      }
      this.#cursor = { block: key, sequenceNumber: current, at };
      next = current;
    }
    return events;
  }

  /** A committed block's bytes: from the cache, or read together with the blocks after it. */
  async #blockBytes(index: SegmentIndex, position: number): Promise<Buffer> {
    const block = index.blocks[position]!;
    const cached = this.cache.get(blockKey(index, block.position));
    if (cached) return cached;
    let last = position;
    while (
      last + 1 < index.blocks.length &&
      index.blocks[last + 1]!.position + index.blocks[last + 1]!.length - block.position <= this.readBytes
    ) {
      last++;
    }
    const end = index.blocks[last]!.position + index.blocks[last]!.length;
    const { bytes } = await this.store.read(index.segment, block.position, end - block.position);
    for (let each = position; each <= last; each++) {
      const { position: at, length } = index.blocks[each]!;
      this.cache.set(blockKey(index, at), bytes.subarray(at - block.position, at - block.position + length));
    }
    return bytes.subarray(0, block.length);
  }

  /** Reads and indexes the next bytes of a segment (what it has beyond `scannedTo`). */
  async #scan(index: SegmentIndex): Promise<void> {
    // Readers of one partition share its index: one scan at a time walks a segment's new bytes.
    index.scanning ??= this.#scanOnce(index).finally(() => (index.scanning = undefined));
    return index.scanning;
  }

  async #scanOnce(index: SegmentIndex): Promise<void> {
    const count = Math.min(Math.max(this.readBytes, index.wantBytes), index.length - index.scannedTo);
    const { bytes, length } = await this.store.read(index.segment, index.scannedTo, count);
    index.absorb(bytes, length, (block, blockBytes) =>
      this.cache.set(blockKey(index, block.position), blockBytes),
    );
  }

  async #scanToEnd(index: SegmentIndex): Promise<void> {
    if (!index.sealed) index.length = await this.store.length(index.segment);
    while (index.scannedTo < index.length) await this.#scan(index);
  }

  /** The partition's segments, keeping what is known of those already indexed. */
  async #list(refresh: boolean): Promise<SegmentIndex[]> {
    // A partition without segments is listed again each time: its first segment may be there by now.
    if (this.#segments?.length && !refresh) return this.#segments;
    this.#listing ??= this.#relist().finally(() => (this.#listing = undefined));
    return this.#listing;
  }

  async #relist(): Promise<SegmentIndex[]> {
    const known = new Map((this.#segments ?? []).map((index) => [index.segment.name, index]));
    this.#segments = (await this.store.list(this.partitionId)).map((segment) => {
      const index = known.get(segment.name);
      if (!index) return new SegmentIndex(segment, segment.length, this.describe);
      index.length = Math.max(index.length, segment.length);
      return index;
    });
    return this.#segments;
  }
}

/** The last segment that starts at or before the sequence number (the first when it is older than all). */
function segmentOf(segments: readonly SegmentIndex[], sequenceNumber: number): number {
  return Math.max(
    0,
    segments.findLastIndex((index) => index.segment.firstSequenceNumber <= sequenceNumber),
  );
}

function blockKey(index: SegmentIndex, position: number): string {
  return `${index.segment.name}@${position}`;
}
