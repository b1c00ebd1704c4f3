import type { ContainerClient } from '@azure/storage-blob';

// Table string properties hold at most 64 KiB (32K UTF-16 chars); queue messages 64 KiB. As the Azure
// Storage provider does, payloads over ~45 KB go to the <hub>-largemessages container instead.
export const largePayloadThreshold = 45 * 1024;

/** Moves large JSON payloads to blobs and back, leaving a blob name in their place. */
export class LargePayloads {
  constructor(private readonly container: ContainerClient) {}

  async ensure(): Promise<void> {
    await this.container.createIfNotExists();
  }

  /** Returns the text itself, or undefined plus the name of the blob now holding it. */
  async store(text: string | undefined, blobName: string): Promise<{ inline?: string; blobName?: string }> {
    if (text === undefined || Buffer.byteLength(text) <= largePayloadThreshold) return { inline: text };
    await this.container.getBlockBlobClient(blobName).upload(text, Buffer.byteLength(text), {
      blobHTTPHeaders: { blobContentType: 'application/json' },
    });
    return { blobName };
  }

  async load(inline: unknown, blobName: unknown): Promise<string | undefined> {
    if (typeof blobName === 'string' && blobName !== '') {
      return (await this.container.getBlockBlobClient(blobName).downloadToBuffer()).toString('utf8');
    }
    return typeof inline === 'string' ? inline : undefined;
  }

  async deletePrefix(prefix: string): Promise<void> {
    for await (const blob of this.container.listBlobsFlat({ prefix })) {
      await this.container.deleteBlob(blob.name, { deleteSnapshots: 'include' }).catch(() => undefined);
    }
  }
}
