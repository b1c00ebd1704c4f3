import { ValidationError } from '../../errors';
import type { ByteRangeReader } from './ByteRangeReader';
import type { Partition } from './ScoringBatch';

/** The parts of a Parquet file that one row group's parse reads: the footer and the row group's bytes. */
export interface ParquetSlices {
  readonly byteLength: number;
  readonly slices: readonly { readonly start: number; readonly bytes: Uint8Array }[];
}

const tailBytes = 8;

/**
 * Reads the footer (metadata length, metadata, magic) and the partition's row group range, so that the
 * row group can be parsed where no storage is at hand (a worker thread).
 */
export async function readParquetSlices(
  reader: ByteRangeReader,
  partition: Partition,
): Promise<ParquetSlices> {
  const size = reader.byteLength;
  const tail = new Uint8Array(await reader.slice(Math.max(0, size - tailBytes), size));
  const metadataLength = tail.length === tailBytes ? new DataView(tail.buffer).getUint32(0, true) : 0;
  const footerStart = Math.max(0, size - tailBytes - metadataLength);
  const [footer, group] = await Promise.all([
    reader.slice(footerStart, size),
    partition.end > partition.start ? reader.slice(partition.start, partition.end) : new ArrayBuffer(0),
  ]);
  return {
    byteLength: size,
    slices: [
      { start: partition.start, bytes: new Uint8Array(group) },
      { start: footerStart, bytes: new Uint8Array(footer) },
    ],
  };
}

/** A reader over slices: a read outside them means the file points outside its own row group. */
export function sliceReader(file: ParquetSlices): ByteRangeReader {
  return {
    byteLength: file.byteLength,
    slice(start, end = file.byteLength) {
      const slice = file.slices.find((each) => start >= each.start && end <= each.start + each.bytes.length);
      if (!slice)
        return Promise.reject(
          new ValidationError(
            `the Parquet file is corrupt: its metadata points at bytes ${start}-${end - 1}, outside the row group and footer`,
          ),
        );
      const bytes = slice.bytes.subarray(start - slice.start, end - slice.start);
      // A fresh ArrayBuffer, as a download would be (the library checks `instanceof ArrayBuffer`).
      return Promise.resolve(bytes.slice().buffer);
    },
  };
}
