import type { ContainerClient } from '@azure/storage-blob';
import { hasStatus } from '../../storage/storageErrors';
import type { BlobVersion } from './toBlobTriggerInvocation';

/**
 * Reads one blob version (by ETag): its content, or with `contentWanted` false only its properties (for a
 * function that binds a reference to the blob). Undefined when it was deleted or overwritten since it was listed.
 */
export async function readBlobVersion(
  container: ContainerClient,
  name: string,
  etag: string,
  contentWanted: boolean,
): Promise<BlobVersion | undefined> {
  const client = container.getBlobClient(name);
  const conditions = { ifMatch: etag };
  try {
    if (!contentWanted) {
      const properties = await client.getProperties({ conditions });
      return { container: container.containerName, name, url: client.url, properties };
    }
    const response = await client.download(0, undefined, { conditions });
    const chunks: Buffer[] = [];
    for await (const chunk of response.readableStreamBody ?? []) {
      chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    }
    return {
      container: container.containerName,
      name,
      url: client.url,
      bytes: Buffer.concat(chunks),
      properties: response,
    };
  } catch (error) {
    if (hasStatus(error, 404) || hasStatus(error, 412)) return undefined;
    throw error;
  }
}
