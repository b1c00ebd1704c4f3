import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { NotFoundError } from '../../errors';
import type { DataContainers } from '../../storage/DataContainers';
import type { StorageClients } from '../../storage/StorageClients';
import type { TrainingSource } from './RetrainDeclaration';
import { readBlob } from '../../storage/readBlob';
import { readBlobPrefixSource } from './readBlobPrefixSource';
import { readFeedbackSource, type FeedbackSource } from './readFeedbackSource';

/**
 * The bytes of a declared training source: a blob (`container/path.csv`) read from the app's storage,
 * in a container jobs may read, the CSV blobs under a prefix as one data set, the model's feedback, or a
 * file deployed with the app, read from `filesDirectory` (the app root by default). Files are read where
 * they are, not copied first: the run's snapshot blob is the copy.
 */
export async function readTrainingSource(
  source: TrainingSource,
  where: {
    storage: StorageClients;
    containers: DataContainers;
    filesDirectory: string;
    feedback?: FeedbackSource;
  },
): Promise<Buffer> {
  const { storage, containers, filesDirectory } = where;
  if ('feedback' in source) return readFeedbackSource(source.feedback, where.feedback);
  if ('blobPrefix' in source) return readBlobPrefixSource(source.blobPrefix, { storage, containers });
  if ('file' in source) {
    const file = path.resolve(filesDirectory, source.file);
    return readFile(file).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT')
        throw new NotFoundError(`The training file ${source.file} does not exist in the app's folder.`);
      throw error;
    });
  }
  const slash = source.blob.indexOf('/');
  const container = containers.checkRead(source.blob.slice(0, slash), 'retraining.source.blob');
  const name = source.blob.slice(slash + 1);
  try {
    return (await readBlob(storage.container(container).getBlobClient(name))).bytes;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404)
      throw new NotFoundError(`The training blob ${source.blob} does not exist.`);
    throw error;
  }
}
