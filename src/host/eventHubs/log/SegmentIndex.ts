import { recordLengthAt } from './eventRecord';
import {
  BlockKind,
  blockHeaderBytes,
  blockTrailerBytes,
  LogFormatError,
  readBlockHeader,
  readBlockTrailer,
  type BlockHeader,
} from './logBlock';
import type { DescribePlace } from './PartitionTail';
import type { ListedSegment } from './SegmentStore';

/** A block of committed events: where it is in its segment and which events it holds. */
export interface IndexedBlock {
  readonly position: number;
  readonly length: number;
  readonly firstSequenceNumber: number;
  readonly eventCount: number;
  readonly enqueuedTimeMs: number;
}

interface PendingBlock {
  readonly position: number;
  readonly header: BlockHeader;
  readonly bytes: Buffer;
}

/**
 * What a reader knows of one segment: its committed blocks up to `scannedTo`. Bytes are walked as they
 * arrive (`absorb`); a batch's blocks are indexed together once its last block is seen, and the blocks of
 * a batch that another writer's block cut short are skipped, as its writer retried it elsewhere.
 */
export class SegmentIndex {
  readonly blocks: IndexedBlock[] = [];
  /** End of the last block walked (committed, pending or skipped). */
  scannedTo = 0;
  /** The segment's length when last looked at. */
  length: number;
  /** The sequence number after the last committed event walked. */
  nextSequenceNumber: number;
  sealed = false;
  /** The blocks of a batch whose last block has not been seen yet. */
  #pending: PendingBlock[] = [];
  /** Length of a block that did not fit in the last read, so the next read takes all of it. */
  wantBytes = 0;
  /** The scan under way, which readers that need the same bytes wait for. */
  scanning: Promise<void> | undefined;

  constructor(
    readonly segment: ListedSegment,
    length: number,
    private readonly describe: DescribePlace,
  ) {
    this.length = length;
    this.nextSequenceNumber = segment.firstSequenceNumber;
  }

  /** The index of the block holding `sequenceNumber`, or -1 when it was not walked yet. */
  blockOf(sequenceNumber: number): number {
    let low = 0;
    let high = this.blocks.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const block = this.blocks[middle]!;
      if (sequenceNumber < block.firstSequenceNumber) high = middle - 1;
      else if (sequenceNumber >= block.firstSequenceNumber + block.eventCount) low = middle + 1;
      else return middle;
    }
    return -1;
  }

  /**
   * Walks the blocks in `bytes`, which start at `scannedTo`; `segmentLength` is the segment's length when
   * they were read. Hands each newly committed block and its bytes to `committed` (for the read cache).
   */
  absorb(
    bytes: Buffer,
    segmentLength: number,
    committed: (block: IndexedBlock, bytes: Buffer) => void,
  ): void {
    const start = this.scannedTo;
    this.length = Math.max(this.length, segmentLength);
    try {
      this.#absorbFrom(start, bytes, segmentLength, committed);
    } catch (error) {
      // Keep the good blocks before damage: the reader hands them out, and fails when it reaches it.
      if (!(error instanceof LogFormatError) || this.scannedTo === start) throw error;
    }
  }

  #absorbFrom(
    start: number,
    bytes: Buffer,
    segmentLength: number,
    committed: (block: IndexedBlock, bytes: Buffer) => void,
  ): void {
    let at = 0;
    while (at + blockHeaderBytes <= bytes.length) {
      const header = readBlockHeader(bytes, at);
      if (typeof header === 'string') this.#fail(start + at, header);
      if (at + header.length > bytes.length) {
        // Appends are atomic: a block that runs past the segment's end was never a whole block.
        if (start + at + header.length > segmentLength) {
          this.#fail(
            start + at,
            `the block's length ${header.length} runs past the segment's end ${segmentLength}`,
          );
        }
        this.wantBytes = header.length;
        break;
      }
      const end = at + header.length;
      const trailer = readBlockTrailer(bytes, end);
      if (typeof trailer === 'string') this.#fail(start + end - blockTrailerBytes, trailer);
      if (trailer.length !== header.length) {
        this.#fail(start + at, `its header says ${header.length} bytes and its trailer ${trailer.length}`);
      }
      this.#walk({ position: start + at, header, bytes: bytes.subarray(at, end) }, committed);
      at = end;
      this.scannedTo = start + at;
      this.wantBytes = 0;
    }
    const rest = bytes.length - at;
    if (rest > 0 && rest < blockHeaderBytes && start + bytes.length >= segmentLength) {
      this.#fail(start + at, 'the segment ends inside a block header');
    }
  }

  #walk(block: PendingBlock, committed: (block: IndexedBlock, bytes: Buffer) => void): void {
    const { header } = block;
    if (header.kind === BlockKind.Seal) {
      this.#pending = [];
      this.sealed = true;
      return;
    }
    if (this.sealed) this.#fail(block.position, 'an events block after the seal block');
    if (header.part === 0) {
      this.#pending = [];
    } else if (
      this.#pending.length !== header.part ||
      !this.#pending[0]!.header.batchId.equals(header.batchId)
    ) {
      // The rest of a batch whose start was skipped: its writer retried the whole batch.
      this.#pending = [];
      return;
    }
    this.#checkRecords(block);
    this.#pending.push(block);
    if (this.#pending.length < header.parts) return;
    let sequenceNumber = this.nextSequenceNumber;
    for (const part of this.#pending) {
      if (part.header.firstSequenceNumber !== sequenceNumber) {
        this.#fail(
          part.position,
          `its first sequence number is ${part.header.firstSequenceNumber}, expected ${sequenceNumber}`,
        );
      }
      sequenceNumber += part.header.eventCount;
    }
    for (const part of this.#pending) {
      const indexed: IndexedBlock = {
        position: part.position,
        length: part.header.length,
        firstSequenceNumber: part.header.firstSequenceNumber,
        eventCount: part.header.eventCount,
        enqueuedTimeMs: part.header.enqueuedTimeMs,
      };
      this.blocks.push(indexed);
      committed(indexed, part.bytes);
    }
    this.nextSequenceNumber = sequenceNumber;
    this.#pending = [];
  }

  /** The records must fill the block exactly, as many as the header says. */
  #checkRecords({ position, header, bytes }: PendingBlock): void {
    const end = bytes.length - blockTrailerBytes;
    let at = blockHeaderBytes;
    let count = 0;
    while (at < end) {
      const length = recordLengthAt(bytes, at, end);
      if (typeof length === 'string') this.#fail(position, length);
      at += length;
      count++;
    }
    if (count !== header.eventCount)
      this.#fail(position, `it holds ${count} records, its header says ${header.eventCount}`);
  }

  #fail(position: number, reason: string): never {
    throw new LogFormatError(
      `${this.describe(this.segment, position)}: not a valid log block (${reason}). The segment was written by something other than this log or damaged; delete the segment blob (and the ones after it) to go on without it.`,
    );
  }
}
