import type { ContainerClient } from '@azure/storage-blob';
import { hasStatus } from '../../storage/storageErrors';
import type { DownloadedBlob } from './toBlobTriggerInvocation';

/** Downloads one blob version (by ETag); undefined when it was deleted or overwritten since it was listed. */
export async function downloadBlobVersion(
  container: ContainerClient,
  name: string,
  etag: string,
): Promise<DownloadedBlob | undefined> {
  const client = container.getBlobClient(name);
  try {
    const response = await client.download(0, undefined, { conditions: { ifMatch: etag } });
    const chunks: Buffer[] = [];
    for await (const chunk of response.readableStreamBody ?? []) {
      chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    }
    return {
      container: container.containerName,
      name,
      url: client.url,
      bytes: Buffer.concat(chunks),
      response,
    };
  } catch (error) {
    if (hasStatus(error, 404) || hasStatus(error, 412)) return undefined;
    throw error;
  }
}
