import { NotFoundError, ValidationError } from '../../../errors';
import type { ManyModelsTrainingServices } from '../ManyModelsTrainingServices';
import { manifestFile, parsePartitionsManifest, selectPartitions } from '../partitionsManifest';
import { reservedTags } from '../registerSeriesModel';
import type { DatasetLocation, ListPartitionsResult } from '../trainManyContracts';
import { readBlob } from '../../../storage/readBlob';

export interface ListPartitionsInput {
  readonly dataset: DatasetLocation;
  readonly keys?: readonly Readonly<Record<string, string>>[];
}

/**
 * Reads the data set's `_partitions.json` and returns its partitions (or the requested keys' only); a
 * missing or bad manifest is a result with the reason, so the run can report it.
 */
export async function listTrainingPartitions(
  input: ListPartitionsInput,
  services: ManyModelsTrainingServices,
): Promise<ListPartitionsResult> {
  try {
    return { ok: true, ...(await readPartitions(input, services)) };
  } catch (error) {
    if (error instanceof ValidationError || error instanceof NotFoundError)
      return { ok: false, reason: error.message };
    throw error;
  }
}

async function readPartitions(input: ListPartitionsInput, services: ManyModelsTrainingServices) {
  const file = blobPath(input.dataset, manifestFile);
  const bytes = await readBlob(services.storage.container(input.dataset.container).getBlobClient(file))
    .then((read) => read.bytes)
    .catch((error: unknown) => {
      if ((error as { statusCode?: number }).statusCode === 404)
        throw new NotFoundError(
          `${input.dataset.container}/${file} does not exist: partition the data set by its key columns first`,
        );
      throw error;
    });
  const where = `${input.dataset.container}/${file}`;
  const manifest = parsePartitionsManifest(bytes.toString('utf8'), where);
  const clash = manifest.keys.find((name) => reservedTags.includes(name));
  if (clash !== undefined)
    throw new ValidationError(`Key column "${clash}" has the name of a tag the training run sets itself`, {
      field: 'keys',
      file: where,
    });
  const partitions = selectPartitions(manifest, input.keys, where);
  if (partitions.length === 0) throw new ValidationError(`${where} lists no partitions`, { file: where });
  return { keyColumns: manifest.keys, partitions };
}

/** A blob's path under the data set's prefix. */
export function blobPath(dataset: DatasetLocation, name: string): string {
  const prefix = dataset.prefix.replace(/^\/+|\/+$/g, '');
  return prefix === '' ? name : `${prefix}/${name}`;
}
