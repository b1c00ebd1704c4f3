import { open } from 'node:fs/promises';

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

/** A ByteRangeReader over a local file (opened once; `close` when done). */
export async function fileByteRangeReader(
  file: string,
): Promise<ByteRangeReader & { close(): Promise<void> }> {
  const handle = await open(file, 'r');
  const { size } = await handle.stat();
  return {
    byteLength: size,
    slice: async (start, end = size) => {
      const bytes = Buffer.allocUnsafe(Math.max(0, Math.min(end, size) - start));
      let done = 0;
      while (done < bytes.length) {
        const { bytesRead } = await handle.read(bytes, done, bytes.length - done, start + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      return arrayBufferOf(bytes.subarray(0, done));
    },
    close: () => handle.close(),
  };
}
