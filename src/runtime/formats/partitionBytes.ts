import type { Partition } from './ScoringBatch';

/**
 * The bytes of a partition, given either exactly its range (a blob range download) or the whole file.
 * The two cannot be confused: a whole file is longer than the range unless the range starts at 0.
 */
export function partitionBytes(bytes: Buffer, partition: Partition): Buffer {
  const length = partition.end - partition.start;
  if (bytes.length === length) return bytes;
  if (bytes.length >= partition.end) return bytes.subarray(partition.start, partition.end);
  throw new RangeError(
    `partition ${partition.index} covers bytes [${partition.start}, ${partition.end}) but ${bytes.length} bytes were given`,
  );
}
