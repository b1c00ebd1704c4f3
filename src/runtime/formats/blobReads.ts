import type { BlobClient } from '@azure/storage-blob';
import { TransientError } from '../../errors';
import type { ByteRangeReader } from './';

/**
 * Reads bytes [start, end) of the blob version with this ETag (a changed blob fails the read) as one
 * streamed GET into one buffer: one request per range costs the storage service far less than the
 * SDK's parallel sub-range downloads, and a partition's ranges are read concurrently anyway.
 */
export async function downloadRange(
  blob: BlobClient,
  start: number,
  end: number,
  etag: string,
): Promise<Buffer> {
  if (end <= start) return Buffer.alloc(0);
  const buffer = Buffer.allocUnsafe(end - start);
  const response = await blob.download(start, end - start, { conditions: { ifMatch: etag } });
  let filled = 0;
  for await (const chunk of response.readableStreamBody ?? []) {
    const bytes = chunk as Buffer;
    if (filled + bytes.length > buffer.length) break;
    bytes.copy(buffer, filled);
    filled += bytes.length;
  }
  if (filled !== buffer.length) {
    throw new TransientError(
      `read ${filled} of the ${buffer.length} bytes at ${start}-${end - 1} of ${blob.name}; the connection ended early`,
    );
  }
  return buffer;
}

/** The whole blob version as a stream of chunks (for the one planning pass). */
export async function* streamBlob(blob: BlobClient, etag: string): AsyncIterable<Buffer> {
  const response = await blob.download(0, undefined, { conditions: { ifMatch: etag } });
  const body = response.readableStreamBody;
  if (!body) return;
  for await (const chunk of body) yield chunk as Buffer;
}

/** A range reader over a blob version, for Parquet footers and row groups. */
export function blobRangeReader(blob: BlobClient, byteLength: number, etag: string): ByteRangeReader {
  return {
    byteLength,
    async slice(start: number, end = byteLength) {
      const bytes = await downloadRange(blob, start, end, etag);
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer;
    },
  };
}
