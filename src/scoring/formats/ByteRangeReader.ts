/**
 * Random access to a file's bytes, e.g. backed by blob range downloads. The shape of hyparquet's
 * AsyncBuffer: `end` may be omitted (to the end of the file).
 */
export interface ByteRangeReader {
  readonly byteLength: number;
  slice(start: number, end?: number): Promise<ArrayBuffer>;
}

/** A ByteRangeReader over bytes in memory (tests, small files). */
export function byteRangeReaderOf(bytes: Uint8Array): ByteRangeReader {
  return {
    byteLength: bytes.byteLength,
    slice: (start, end = bytes.byteLength) =>
      // Copied into a fresh ArrayBuffer, as a download would be, created by Node's Buffer (the
      // library checks `instanceof ArrayBuffer`, which a test VM's own ArrayBuffer would fail).
      Promise.resolve(arrayBufferOf(Buffer.from(bytes.subarray(start, end)))),
  };
}

function arrayBufferOf(copy: Buffer): ArrayBuffer {
  return copy.buffer.slice(copy.byteOffset, copy.byteOffset + copy.byteLength) as ArrayBuffer;
}
