import { NotFoundError, ValidationError } from '../../errors';
import type { Partition } from '../../runtime/formats/ScoringBatch';
import type { StorageClients } from '../../storage/StorageClients';
import type { JobInputLayout } from '../JobInputLayout';
import type { ResolvedJobSpec } from '../resolveJobSpec';

/** Names scored as images (what sharp reads); other blobs under the prefix are left alone. */
const imageExtensions = /\.(jpe?g|png|webp|gif|tiff?|avif|heic|heif)$/i;

/** Whether a blob's name says it is an image an image job would score. */
export function isImageName(name: string): boolean {
  return imageExtensions.test(name);
}

// Every image's name and version travel in the partitions, through the orchestration's history.
const maxImages = 100_000;

/**
 * A folder of images as partitions: the blobs under the prefix whose names say they are images, in
 * name order, each pinned at the version listed (a partition reads exactly that version), cut into
 * shards of `imagesPerPartition`; or one named image (`singleImage`: a dropped image). The header is
 * the one column every row starts with, `path`.
 */
export async function listImageShards(
  spec: ResolvedJobSpec,
  storage: StorageClients,
): Promise<JobInputLayout> {
  const { container, blob: prefix } = spec.input;
  const images = spec.input.singleImage
    ? [await describeOneImage(spec, storage)]
    : await listImages(storage, container, prefix);
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

interface ListedImage {
  readonly name: string;
  readonly etag: string;
  readonly bytes: number;
}

/** The images under a prefix, in name order, each at the version listed. */
async function listImages(
  storage: StorageClients,
  container: string,
  prefix: string,
): Promise<ListedImage[]> {
  const where = `${container}/${prefix}`;
  const images: ListedImage[] = [];
  const listing = storage.container(container).listBlobsFlat(prefix === '' ? {} : { prefix });
  try {
    for await (const item of listing) {
      if (!isImageName(item.name)) continue;
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
  return images;
}

/** One named image (a drop): pinned at the version that fired, else the current one. */
async function describeOneImage(spec: ResolvedJobSpec, storage: StorageClients): Promise<ListedImage> {
  const { container, blob: name } = spec.input;
  try {
    const properties = await storage.container(container).getBlobClient(name).getProperties();
    return { name, etag: spec.input.etag ?? properties.etag ?? '', bytes: properties.contentLength ?? 0 };
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404)
      throw new NotFoundError(`Image ${container}/${name} does not exist.`);
    throw error;
  }
}
