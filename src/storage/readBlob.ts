import type { BlobClient, BlobDownloadOptions } from '@azure/storage-blob';
import { TransientError } from '../errors';

/** A whole blob and the ETag of the version that was read. */
export interface BlobBytes {
  readonly bytes: Buffer;
  readonly etag: string;
}

/**
 * Reads a whole blob with one GET (the SDK's downloadToBuffer asks for the blob's properties first: two
 * requests per blob, which at thousands of small blobs doubles the storage calls). The bytes go into one
 * buffer of the announced length, which the buffer owns whole (it can be handed to a worker thread). A
 * connection that ends early is a TransientError; errors of the service (404, 412) are thrown as the SDK
 * throws them.
 */
export async function readBlob(blob: BlobClient, options: BlobDownloadOptions = {}): Promise<BlobBytes> {
  const response = await blob.download(0, undefined, options);
  const length = response.contentLength ?? 0;
  const bytes = Buffer.alloc(length);
  let filled = 0;
  for await (const chunk of response.readableStreamBody ?? []) {
    const data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (filled + data.length > length) {
      throw new TransientError(
        `${blob.name}: the storage service sent more than the ${length} bytes it announced`,
      );
    }
    data.copy(bytes, filled);
    filled += data.length;
  }
  if (filled !== length) {
    throw new TransientError(
      `${blob.name}: read ${filled} of its ${length} bytes; the connection ended early`,
    );
  }
  return { bytes, etag: response.etag ?? '' };
}
