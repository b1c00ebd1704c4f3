import { BlockKind, blockTrailerBytes, LogFormatError, readBlockTrailer, type TailState } from './logBlock';
import type { ListedSegment, SegmentRef, SegmentStore } from './SegmentStore';

/** The end of a partition's stream: the segment appends go to, its length, and the state after its last block. */
export interface PartitionTail extends TailState {
  readonly segment: SegmentRef;
  readonly length: number;
  readonly blockCount: number;
  /** The segment ends with a seal block: the stream goes on in the next segment. */
  readonly sealed: boolean;
}

/** Names a place in the log in error messages: hub, partition, segment and byte position. */
export type DescribePlace = (segment: SegmentRef, position: number) => string;

/** The tail of a partition whose last segment is `segment`: from its metadata when empty, else from its last trailer. */
export async function readTail(
  store: SegmentStore,
  segment: ListedSegment,
  describe: DescribePlace,
): Promise<PartitionTail> {
  if (segment.length === 0) return { ...segment.opened, segment, length: 0, blockCount: 0, sealed: false };
  const { bytes } = await store.read(segment, segment.length - blockTrailerBytes, blockTrailerBytes);
  const trailer = bytes.length === blockTrailerBytes ? readBlockTrailer(bytes, bytes.length) : 'too short';
  if (typeof trailer === 'string') {
    throw new LogFormatError(
      `${describe(segment, segment.length - blockTrailerBytes)}: the segment does not end with a block trailer (${trailer}). It was written by something other than this log or damaged; delete the segment blob to go on without it.`,
    );
  }
  return {
    segment,
    length: segment.length,
    blockCount: trailer.blockIndex + 1,
    sealed: trailer.kind === BlockKind.Seal,
    nextSequenceNumber: trailer.nextSequenceNumber,
    lastOffset: trailer.lastOffset,
    lastTimeMs: trailer.lastTimeMs,
  };
}
