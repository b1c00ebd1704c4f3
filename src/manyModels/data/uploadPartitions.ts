import path from 'node:path';
import type { ContainerClient } from '@azure/storage-blob';
import { PARTITION_INDEX_FILE, readPartitionIndex, type PartitionIndex } from './PartitionIndex';

export interface UploadPartitionsOptions {
  /** Files uploaded at once; default 8. */
  readonly concurrency?: number;
  /** Called after each partition's upload with the count done and the total. */
  readonly onProgress?: (uploaded: number, total: number) => void;
}

/**
 * Copies a local partition folder (see partitionCsvByKeys) to `<prefix>/` in a container with the same
 * layout: one blob per partition, then `_partitions.json` last, so that a reader who finds the index
 * finds every partition it lists. Returns the index.
 */
export async function uploadPartitions(
  outDir: string,
  containerClient: ContainerClient,
  prefix: string,
  options: UploadPartitionsOptions = {},
): Promise<PartitionIndex> {
  const index = await readPartitionIndex(outDir);
  const base = prefix.replace(/^\/+|\/+$/g, '');
  const blobName = (relative: string): string => (base === '' ? relative : `${base}/${relative}`);
  const upload = async (relative: string, contentType: string): Promise<void> => {
    await containerClient
      .getBlockBlobClient(blobName(relative))
      .uploadFile(path.join(outDir, ...relative.split('/')), {
        blobHTTPHeaders: { blobContentType: contentType },
      });
  };
  const concurrency = Math.max(1, options.concurrency ?? 8);
  let next = 0;
  let uploaded = 0;
  const worker = async (): Promise<void> => {
    while (next < index.partitions.length) {
      await upload(index.partitions[next++]!.path, 'text/csv');
      options.onProgress?.(++uploaded, index.partitions.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, index.partitions.length) }, worker));
  await upload(PARTITION_INDEX_FILE, 'application/json');
  return index;
}
