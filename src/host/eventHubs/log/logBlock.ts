/**
 * The framing of a segment: a run of blocks, one per storage append. A block is a header, event records
 * and a trailer. The header says what the block holds (its first sequence number, event count, time and
 * which part of a batch it is); the trailer repeats the block's length and carries the partition's state
 * after the block, so a writer learns the tail of a segment from its last 40 bytes.
 *
 * header  (48 bytes): magic "EHLB" | version u8 | kind u8 | part u16 | parts u16 | 0 u16 | length u32 |
 *                     events u32 | 0 u32 | first sequence number i64 | enqueued time f64 (ms) | batch id (8 bytes)
 * records (events):   see eventRecord.ts
 * trailer (40 bytes): magic "EHLE" | length u32 | block index u32 | kind u8 | 0 (3 bytes) |
 *                     next sequence number i64 | last event offset i64 | last enqueued time f64 (ms)
 *
 * All integers are little-endian. "Next sequence number" counts committed events only: a block that is
 * not the last part of its batch leaves it where it was, so a batch becomes visible with its last part.
 */
export const blockHeaderBytes = 48;
export const blockTrailerBytes = 40;
export const blockOverheadBytes = blockHeaderBytes + blockTrailerBytes;
const formatVersion = 1;
const headerMagic = Buffer.from('EHLB', 'latin1').readUInt32LE(0);
const trailerMagic = Buffer.from('EHLE', 'latin1').readUInt32LE(0);
/** Larger than any block this log writes (4 MiB parts); a larger length means the bytes are not a block. */
export const maxBlockBytes = 100 * 1024 * 1024;

export const BlockKind = {
  /** Event records (all or part of one append call). */
  Events: 1,
  /** Closes a segment: nothing is appended after it; the partition goes on in the next segment. */
  Seal: 2,
} as const;
export type BlockKind = (typeof BlockKind)[keyof typeof BlockKind];

function isBlockKind(value: number): value is BlockKind {
  return value === BlockKind.Events || value === BlockKind.Seal;
}

export interface BlockHeader {
  readonly kind: BlockKind;
  readonly part: number;
  readonly parts: number;
  readonly length: number;
  readonly eventCount: number;
  readonly firstSequenceNumber: number;
  readonly enqueuedTimeMs: number;
  readonly batchId: Buffer;
}

/** The partition's committed state after a block. */
export interface TailState {
  readonly nextSequenceNumber: number;
  /** Offset of the last committed event in the partition's stream; -1 before the first. */
  readonly lastOffset: number;
  /** Enqueued time of the last committed event (ms); 0 before the first. */
  readonly lastTimeMs: number;
}

export interface BlockTrailer extends TailState {
  readonly kind: BlockKind;
  readonly length: number;
  readonly blockIndex: number;
}

/**
 * An event's offset: its record's byte position in the partition's stream (segment start + position in
 * the segment), less the first block's header, so that a partition's first event has offset 0 as on Azure.
 */
export function eventOffset(segmentFirstOffset: number, positionInSegment: number): number {
  return segmentFirstOffset + positionInSegment - blockHeaderBytes;
}

/** Bytes that are not a block where a block should start or end: foreign data or a damaged segment. */
export class LogFormatError extends Error {
  override name = 'LogFormatError';
}

/** Writes a block's header into the first bytes of `block`. */
export function writeBlockHeader(block: Buffer, header: BlockHeader): void {
  block.writeUInt32LE(headerMagic, 0);
  block.writeUInt8(formatVersion, 4);
  block.writeUInt8(header.kind, 5);
  block.writeUInt16LE(header.part, 6);
  block.writeUInt16LE(header.parts, 8);
  block.writeUInt16LE(0, 10);
  block.writeUInt32LE(header.length, 12);
  block.writeUInt32LE(header.eventCount, 16);
  block.writeUInt32LE(0, 20);
  block.writeBigInt64LE(BigInt(header.firstSequenceNumber), 24);
  block.writeDoubleLE(header.enqueuedTimeMs, 32);
  header.batchId.copy(block, 40, 0, 8);
}

/** Writes a block's trailer into the last bytes of `block`. */
export function writeBlockTrailer(block: Buffer, trailer: BlockTrailer): void {
  const at = block.length - blockTrailerBytes;
  block.writeUInt32LE(trailerMagic, at);
  block.writeUInt32LE(trailer.length, at + 4);
  block.writeUInt32LE(trailer.blockIndex, at + 8);
  block.writeUInt8(trailer.kind, at + 12);
  block.fill(0, at + 13, at + 16);
  block.writeBigInt64LE(BigInt(trailer.nextSequenceNumber), at + 16);
  block.writeBigInt64LE(BigInt(trailer.lastOffset), at + 24);
  block.writeDoubleLE(trailer.lastTimeMs, at + 32);
}

/** Reads the header at `at`, or says why the bytes there are not one. */
export function readBlockHeader(bytes: Buffer, at: number): BlockHeader | string {
  if (bytes.readUInt32LE(at) !== headerMagic) return 'no block header magic';
  const version = bytes.readUInt8(at + 4);
  if (version !== formatVersion)
    return `block format version ${version}; this host reads version ${formatVersion}`;
  const kind = bytes.readUInt8(at + 5);
  if (!isBlockKind(kind)) return `unknown block kind ${kind}`;
  const length = bytes.readUInt32LE(at + 12);
  if (length < blockOverheadBytes || length > maxBlockBytes) return `block length ${length} is out of range`;
  const part = bytes.readUInt16LE(at + 6);
  const parts = bytes.readUInt16LE(at + 8);
  if (parts < 1 || part >= parts) return `part ${part} of ${parts}`;
  return {
    kind,
    part,
    parts,
    length,
    eventCount: bytes.readUInt32LE(at + 16),
    firstSequenceNumber: Number(bytes.readBigInt64LE(at + 24)),
    enqueuedTimeMs: bytes.readDoubleLE(at + 32),
    batchId: bytes.subarray(at + 40, at + 48),
  };
}

/** Reads the trailer that ends at `end`, or says why the bytes there are not one. */
export function readBlockTrailer(bytes: Buffer, end: number): BlockTrailer | string {
  const at = end - blockTrailerBytes;
  if (at < 0 || bytes.readUInt32LE(at) !== trailerMagic) return 'no block trailer magic';
  const kind: number = bytes.readUInt8(at + 12);
  if (kind !== BlockKind.Events && kind !== BlockKind.Seal)
    return `unknown block kind ${kind} in the trailer`;
  return {
    kind,
    length: bytes.readUInt32LE(at + 4),
    blockIndex: bytes.readUInt32LE(at + 8),
    nextSequenceNumber: Number(bytes.readBigInt64LE(at + 16)),
    lastOffset: Number(bytes.readBigInt64LE(at + 24)),
    lastTimeMs: bytes.readDoubleLE(at + 32),
  };
}
