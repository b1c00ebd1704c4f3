import { NotFoundError, TransientError, ValidationError } from '../../../errors';
import type { ManyModelsTrainingServices } from '../ManyModelsTrainingServices';
import { keyLabel, type KeyPartition } from '../partitionsManifest';
import { registerSeriesModel, trainingKeyOf, type SeriesVersion } from '../registerSeriesModel';
import type { KeyResult, TrainPartitionsInput } from '../trainManyContracts';
import { blobPath } from './listTrainingPartitions';
import { readBlob } from '../../../storage/readBlob';

/**
 * Trains and registers a few keys, one after another (fewer activity calls at 10k keys). Each key ends
 * as a result, never as a thrown error, so one bad key does not hide the others: bad data and a missing
 * file are final, any other fault is marked retryable for the next try. A key a previous try already
 * registered is trained again but not registered again: the registration's idempotency key (its
 * `trainingKey`) finds the earlier version. Retries are rare, so the common path makes no lookup.
 */
export async function trainPartitions(
  input: TrainPartitionsInput,
  services: ManyModelsTrainingServices,
): Promise<KeyResult[]> {
  const results: KeyResult[] = [];
  for (const partition of input.partitions) {
    const started = Date.now();
    try {
      const version = await trainOne(input, partition, services);
      results.push({
        ok: true,
        key: partition.key,
        path: partition.path,
        ...version,
        attempts: input.attempt,
        durationMs: Date.now() - started,
      });
    } catch (error) {
      const final = error instanceof ValidationError || error instanceof NotFoundError;
      results.push({
        ok: false,
        key: partition.key,
        path: partition.path,
        reason: error instanceof Error ? error.message.split('\n')[0]! : String(error),
        retryable: !final,
        attempts: input.attempt,
      });
    }
  }
  return results;
}

async function trainOne(
  input: TrainPartitionsInput,
  partition: KeyPartition,
  services: ManyModelsTrainingServices,
): Promise<SeriesVersion> {
  const trainingKey = trainingKeyOf(input.runId, partition.path);
  if (input.attempt === 1 && services.failFirstTry.has(partition.path))
    throw new TransientError(`Simulated transient fault on the first try of ${partition.path}`);
  const path = blobPath(input.dataset, partition.path);
  const data = `${input.dataset.container}/${path}`;
  const bytes = await readBlob(services.storage.container(input.dataset.container).getBlobClient(path))
    .then((read) => read.bytes)
    .catch((error: unknown) => {
      if ((error as { statusCode?: number }).statusCode === 404)
        throw new NotFoundError(`The partition file ${data} does not exist`);
      throw error;
    });
  const label = keyLabel(partition.key, input.keyColumns);
  const { trained, rows, sha256 } = await services.trainer.train({
    csv: bytes,
    data,
    training: input.training,
    label,
  });
  return registerSeriesModel(
    services.registry,
    trained,
    {
      model: input.model,
      runId: input.runId,
      key: partition.key,
      data,
      dataSha256: sha256,
      rows,
    },
    trainingKey,
  );
}
