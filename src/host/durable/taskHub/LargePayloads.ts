import type { ContainerClient } from '@azure/storage-blob';

// Queue messages hold 64 KiB; as the Azure Storage provider does, payloads over ~45 KB go to the
// <hub>-largemessages container instead. Table string properties hold 64 KiB of UTF-16, i.e. 32K
// characters whatever their UTF-8 size: text longer than that goes to a blob as well.
export const largePayloadThreshold = 45 * 1024;
export const maxInlineCharacters = 30 * 1024;

/** Moves large JSON payloads to blobs and back, leaving a blob name in their place. */
export class LargePayloads {
  constructor(private readonly container: ContainerClient) {}

  async ensure(): Promise<void> {
    await this.container.createIfNotExists();
  }

  /** Returns the text itself, or undefined plus the name of the blob now holding it. */
  async store(text: string | undefined, blobName: string): Promise<{ inline?: string; blobName?: string }> {
    if (text === undefined || fitsInline(text)) return { inline: text };
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

function fitsInline(text: string): boolean {
  return text.length <= maxInlineCharacters && Buffer.byteLength(text) <= largePayloadThreshold;
}
