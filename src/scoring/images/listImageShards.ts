import { NotFoundError, ValidationError } from '../../errors';
import type { Partition } from '../../runtime/formats/ScoringBatch';
import type { StorageClients } from '../../storage/StorageClients';
import type { JobInputLayout } from '../JobInputLayout';
import type { ResolvedJobSpec } from '../resolveJobSpec';

/** Names scored as images (what sharp reads); other blobs under the prefix are left alone. */
const imageExtensions = /\.(jpe?g|png|webp|gif|tiff?|avif|heic|heif)$/i;

// Every image's name and version travel in the partitions, through the orchestration's history.
const maxImages = 100_000;

/**
 * A folder of images as partitions: the blobs under the prefix whose names say they are images, in
 * name order, each pinned at the version listed (a partition reads exactly that version), cut into
 * shards of `imagesPerPartition`. The header is the one column every row starts with, `path`.
 */
export async function listImageShards(
  spec: ResolvedJobSpec,
  storage: StorageClients,
): Promise<JobInputLayout> {
  const { container, blob: prefix } = spec.input;
  const where = `${container}/${prefix}`;
  const images: { name: string; etag: string; bytes: number }[] = [];
  const listing = storage.container(container).listBlobsFlat(prefix === '' ? {} : { prefix });
  try {
    for await (const item of listing) {
      if (!imageExtensions.test(item.name)) continue;
      if (images.length === maxImages)
        throw new ValidationError(
          `Input ${where} holds more than ${maxImages} images: split it into several jobs by prefix.`,
          { field: 'input.prefix' },
        );
      images.push({ name: item.name, etag: item.properties.etag, bytes: item.properties.contentLength ?? 0 });
    }
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404)
      throw new NotFoundError(`Input container ${container} does not exist.`);
    throw error;
  }
  if (images.length === 0)
    throw new ValidationError(
      `Input ${where}* holds no images (names ending .jpg, .jpeg, .png, .webp, .gif, .tif, .tiff, .avif, .heic): there is nothing to score.`,
      { field: 'input.prefix' },
    );
  const size = spec.imagesPerPartition ?? 32;
  const partitions: Partition[] = [];
  for (let start = 0; start < images.length; start += size) {
    const shard = images.slice(start, start + size);
    partitions.push({
      index: partitions.length,
      start,
      end: start + shard.length,
      firstRow: start + 1,
      rows: shard.length,
      blobs: shard.map(({ name, etag }) => ({ name, etag })),
    });
  }
  const bytes = images.reduce((sum, image) => sum + image.bytes, 0);
  return { header: ['path'], partitions, totalRows: images.length, etag: '', bytes, numericColumns: [] };
}
