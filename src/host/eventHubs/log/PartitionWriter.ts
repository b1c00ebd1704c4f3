import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { hasStatus } from '../../storage/storageErrors';
import type { StoredEvent } from '../EventHubEvent';
import { storedFromPrepared, type PreparedEvent } from './eventRecord';
import {
  BlockKind,
  blockHeaderBytes,
  blockOverheadBytes,
  eventOffset,
  readBlockHeader,
  writeBlockHeader,
  writeBlockTrailer,
  type TailState,
} from './logBlock';
import { readTail, type DescribePlace, type PartitionTail } from './PartitionTail';
import { planBlocks, type PlannedBlock } from './planBlocks';
import type { SegmentStore } from './SegmentStore';

export interface LogLimits {
  /** A segment rolls over before it passes this many bytes (unless one append alone is larger). */
  readonly segmentBytes: number;
  /** The largest block, i.e. storage append. */
  readonly blockBytes: number;
  /** A segment rolls over before it holds this many blocks (an append blob takes 50,000). */
  readonly segmentBlocks: number;
}

const maxAttempts = 200;

/** The tail moved under this writer (another writer appended first): reload it and try again. */
class LostTail extends Error {}

/**
 * Appends to one partition. Every append is conditional on the segment's length (append position), so
 * writers in other processes cannot interleave with it: whoever loses reloads the tail and retries. One
 * append call goes in as consecutive blocks of one batch, which readers see only once its last block is
 * in; a batch cut short by another writer's block is skipped by readers and retried whole by its writer.
 */
export class PartitionWriter {
  #tail: PartitionTail | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: SegmentStore,
    readonly partitionId: string,
    private readonly limits: LogLimits,
    private readonly describe: DescribePlace,
  ) {}

  /** Appends the events as one batch; resolves once they are durable, with their places in the stream. */
  append(events: readonly PreparedEvent[]): Promise<StoredEvent[]> {
    return this.#serialized(() => this.#append(events));
  }

  /** Seals the tail segment when its newest event is older than `cutoffMs`, so that retention can delete it. */
  sealIfOlderThan(cutoffMs: number): Promise<void> {
    return this.#serialized(async () => {
      for (let attempt = 1; ; attempt++) {
        const tail = await this.#freshTail(false);
        if (!tail) return;
        if (tail.sealed) {
          this.#tail = await this.#openNext(tail);
          return;
        }
        const holdsEvents = tail.nextSequenceNumber > tail.segment.firstSequenceNumber;
        if (!holdsEvents || tail.lastTimeMs >= cutoffMs) return;
        const sealed = await this.#seal(tail);
        if (sealed) {
          this.#tail = await this.#openNext(sealed);
          return;
        }
        await backoff(attempt);
      }
    });
  }

  #serialized<T>(work: () => Promise<T>): Promise<T> {
    // One append at a time per partition in this process: they would only take the tail from each other.
    const run = this.#queue.then(work, work);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #append(events: readonly PreparedEvent[]): Promise<StoredEvent[]> {
    if (events.length === 0) return [];
    const blocks = planBlocks(events, this.limits.blockBytes);
    const bytes = blocks.reduce((sum, block) => sum + block.bytes.length, 0);
    for (let attempt = 1; ; attempt++) {
      try {
        let tail = this.#tail ?? (await this.#freshTail(true))!;
        if (tail.sealed) tail = await this.#openNext(tail);
        if (this.#mustRoll(tail, bytes, blocks.length)) {
          const sealed = await this.#seal(tail);
          if (!sealed) throw new LostTail();
          tail = await this.#openNext(sealed);
        }
        this.#tail = tail;
        return await this.#appendBatch(tail, events, blocks);
      } catch (error) {
        this.#tail = undefined;
        if (!(error instanceof LostTail) && !hasStatus(error, 404)) throw error;
        if (attempt >= maxAttempts) {
          throw new Error(
            `Appending to event hub '${this.store.hubFolder}', partition ${this.partitionId} lost the tail to other writers ${maxAttempts} times in a row; try again.`,
          );
        }
        await backoff(attempt);
      }
    }
  }

  async #appendBatch(
    tail: PartitionTail,
    events: readonly PreparedEvent[],
    blocks: readonly PlannedBlock[],
  ): Promise<StoredEvent[]> {
    const batchId = randomBytes(8);
    // Enqueued times never go back within a partition, whatever the writers' clocks say.
    const enqueuedTimeMs = Math.max(Date.now(), tail.lastTimeMs);
    const enqueuedTime = new Date(enqueuedTimeMs);
    const { segment } = tail;
    const stored: StoredEvent[] = [];
    let position = tail.length;
    let sequenceNumber = tail.nextSequenceNumber;
    let lastOffset = tail.lastOffset;
    for (const [part, block] of blocks.entries()) {
      block.recordStarts.forEach((start, index) => {
        lastOffset = eventOffset(segment.firstOffset, position + start);
        const place = { partitionId: this.partitionId, sequenceNumber, offset: lastOffset, enqueuedTime };
        stored.push(storedFromPrepared(place, events[block.firstEvent + index]!));
        sequenceNumber++;
      });
      const last = part === blocks.length - 1;
      writeBlockHeader(block.bytes, {
        kind: BlockKind.Events,
        part,
        parts: blocks.length,
        length: block.bytes.length,
        eventCount: block.eventCount,
        firstSequenceNumber: sequenceNumber - block.eventCount,
        enqueuedTimeMs,
        batchId,
      });
      // Until its last block is in, the batch is not committed: the trailer keeps the state before it.
      const after: TailState = last
        ? { nextSequenceNumber: sequenceNumber, lastOffset, lastTimeMs: enqueuedTimeMs }
        : tail;
      writeBlockTrailer(block.bytes, {
        kind: BlockKind.Events,
        length: block.bytes.length,
        blockIndex: tail.blockCount + part,
        nextSequenceNumber: after.nextSequenceNumber,
        lastOffset: after.lastOffset,
        lastTimeMs: after.lastTimeMs,
      });
      await this.#appendAt(tail, block.bytes, position, batchId, part);
      position += block.bytes.length;
    }
    this.#tail = {
      segment,
      length: position,
      blockCount: tail.blockCount + blocks.length,
      sealed: false,
      nextSequenceNumber: sequenceNumber,
      lastOffset,
      lastTimeMs: enqueuedTimeMs,
    };
    return stored;
  }

  /** Appends one block at `position`, or throws LostTail when another writer's block is there. */
  async #appendAt(
    tail: PartitionTail,
    block: Buffer,
    position: number,
    batchId: Buffer,
    part: number,
  ): Promise<void> {
    try {
      await this.store.append(tail.segment, block, position);
    } catch (error) {
      if (!hasStatus(error, 412)) throw error;
      // A retried request may find its own first attempt already in: then the block is there.
      if (!(await this.#landed(tail, position, batchId, part))) throw new LostTail();
    }
  }

  async #landed(tail: PartitionTail, position: number, batchId: Buffer, part: number): Promise<boolean> {
    try {
      const { bytes } = await this.store.read(tail.segment, position, blockHeaderBytes);
      if (bytes.length < blockHeaderBytes) return false;
      const header = readBlockHeader(bytes, 0);
      return typeof header !== 'string' && header.part === part && header.batchId.equals(batchId);
    } catch (error) {
      if (hasStatus(error, 416) || hasStatus(error, 404)) return false;
      throw error;
    }
  }

  #mustRoll(tail: PartitionTail, bytes: number, blocks: number): boolean {
    if (tail.length === 0) return false;
    return (
      tail.length + bytes + blockOverheadBytes > this.limits.segmentBytes ||
      tail.blockCount + blocks + 1 > this.limits.segmentBlocks
    );
  }

  /** Appends a seal block; undefined when another writer appended first. */
  async #seal(tail: PartitionTail): Promise<PartitionTail | undefined> {
    const block = Buffer.alloc(blockOverheadBytes);
    const batchId = randomBytes(8);
    writeBlockHeader(block, {
      kind: BlockKind.Seal,
      part: 0,
      parts: 1,
      length: block.length,
      eventCount: 0,
      firstSequenceNumber: tail.nextSequenceNumber,
      enqueuedTimeMs: tail.lastTimeMs,
      batchId,
    });
    writeBlockTrailer(block, {
      ...tail,
      kind: BlockKind.Seal,
      length: block.length,
      blockIndex: tail.blockCount,
    });
    try {
      await this.#appendAt(tail, block, tail.length, batchId, 0);
    } catch (error) {
      if (error instanceof LostTail) return undefined;
      throw error;
    }
    return { ...tail, length: tail.length + block.length, blockCount: tail.blockCount + 1, sealed: true };
  }

  /** The segment after a sealed one (created here unless another writer did first). */
  async #openNext(sealed: PartitionTail): Promise<PartitionTail> {
    const firstOffset = sealed.segment.firstOffset + sealed.length;
    const state: TailState = {
      nextSequenceNumber: sealed.nextSequenceNumber,
      lastOffset: sealed.lastOffset,
      lastTimeMs: sealed.lastTimeMs,
    };
    const segment = await this.store.create(this.partitionId, state, firstOffset);
    return { ...state, segment, length: 0, blockCount: 0, sealed: false };
  }

  /** The tail as storage has it now; a partition never written gets its first segment unless `create` is false. */
  async #freshTail(create: boolean): Promise<PartitionTail | undefined> {
    const segments = await this.store.list(this.partitionId);
    let last = segments.at(-1);
    if (!last && !create) return undefined;
    last ??= await this.store.create(
      this.partitionId,
      { nextSequenceNumber: 0, lastOffset: -1, lastTimeMs: 0 },
      0,
    );
    return readTail(this.store, last, this.describe);
  }
}

async function backoff(attempt: number): Promise<void> {
  await delay(Math.random() * Math.min(100, 2 * attempt));
}
