import type { ContainerClient } from '@azure/storage-blob';
import { readBlob } from '../../storage/readBlob';

/**
 * Reads a shard's images, each at the version the job listed (a conditional read): an image deleted
 * or replaced since is reported as unread, naming why, rather than scored in another version. Other
 * storage errors are thrown (the partition is retried).
 */
export async function readImageShard(
  container: ContainerClient,
  blobs: readonly { readonly name: string; readonly etag: string }[],
): Promise<{
  images: { name: string; bytes: Uint8Array }[];
  unread: { name: string; reason: string }[];
}> {
  const images: { name: string; bytes: Uint8Array }[] = [];
  const unread: { name: string; reason: string }[] = [];
  const read = await Promise.all(
    blobs.map(
      async ({ name, etag }): Promise<{ name: string; bytes: Buffer } | { name: string; reason: string }> => {
        try {
          const { bytes } = await readBlob(container.getBlobClient(name), { conditions: { ifMatch: etag } });
          return { name, bytes };
        } catch (error) {
          const status = (error as { statusCode?: number }).statusCode;
          if (status === 404) return { name, reason: `Image ${name} was deleted after the job listed it.` };
          if (status === 412)
            return {
              name,
              reason: `Image ${name} changed after the job listed it; its new version is not scored.`,
            };
          throw error;
        }
      },
    ),
  );
  for (const entry of read) {
    if ('bytes' in entry) images.push(entry);
    else unread.push(entry);
  }
  return { images, unread };
}
