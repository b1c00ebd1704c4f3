import type { ContainerClient } from '@azure/storage-blob';

// Frames are small (a 720x720 PNG is ~1 MB); a few requests at once keep storage busy without
// holding many files open.
const parallel = 8;

/** Uploads local files to blobs, a few at a time. */
export async function uploadFiles(
  container: ContainerClient,
  files: readonly { file: string; blob: string }[],
): Promise<void> {
  await inBatches(files, ({ file, blob }) =>
    container
      .getBlockBlobClient(blob)
      .uploadFile(file)
      .then(() => undefined),
  );
}

/** Downloads blobs to local files, a few at a time; a missing blob fails naming it. */
export async function downloadFiles(
  container: ContainerClient,
  files: readonly { file: string; blob: string }[],
): Promise<void> {
  await inBatches(files, async ({ file, blob }) => {
    try {
      await container.getBlobClient(blob).downloadToFile(file);
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404)
        throw new Error(
          `${container.containerName}/${blob} is missing: a work item reported success without it.`,
        );
      throw error;
    }
  });
}

async function inBatches<T>(items: readonly T[], action: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const runners = Array.from({ length: Math.min(parallel, items.length) }, async () => {
    while (next < items.length) await action(items[next++]!);
  });
  await Promise.all(runners);
}
