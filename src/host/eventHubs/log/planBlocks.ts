import { blockHeaderBytes, blockOverheadBytes } from './logBlock';
import { writeRecord, type PreparedEvent } from './eventRecord';

/** One block of an append: its bytes with the records in place, header and trailer still to be written. */
export interface PlannedBlock {
  readonly bytes: Buffer;
  /** Index of the block's first event in the append call. */
  readonly firstEvent: number;
  readonly eventCount: number;
  /** Where each of its records starts, from the block's start. */
  readonly recordStarts: readonly number[];
}

/**
 * Packs an append call's events into as few blocks of at most `blockBytes` as they fit in. The records do
 * not depend on where the blocks land, so a retry after losing the tail to another writer rewrites only
 * headers and trailers.
 */
export function planBlocks(events: readonly PreparedEvent[], blockBytes: number): PlannedBlock[] {
  const blocks: PlannedBlock[] = [];
  let first = 0;
  while (first < events.length) {
    let bytes = blockOverheadBytes;
    let end = first;
    while (end < events.length && (end === first || bytes + events[end]!.recordBytes <= blockBytes)) {
      bytes += events[end]!.recordBytes;
      end++;
    }
    const block = Buffer.allocUnsafe(bytes);
    const recordStarts: number[] = [];
    let at = blockHeaderBytes;
    for (let index = first; index < end; index++) {
      recordStarts.push(at);
      at = writeRecord(block, at, events[index]!);
    }
    blocks.push({ bytes: block, firstEvent: first, eventCount: end - first, recordStarts });
    first = end;
  }
  return blocks;
}
