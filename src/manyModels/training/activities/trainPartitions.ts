import { NotFoundError, ValidationError } from '../../../errors';
import type { ManyModelsTrainingServices } from '../ManyModelsTrainingServices';
import { keyLabel, type KeyPartition } from '../partitionsManifest';
import { registerSeriesModels, trainingKeyOf, type SeriesToRegister } from '../registerSeriesModel';
import type { KeyResult, TrainPartitionsInput } from '../trainManyContracts';
import { productionOnHoldout, type ProductionOnHoldout } from '../productionOnHoldout';
import { blobPath } from './listTrainingPartitions';
import { readBlob } from '../../../storage/readBlob';

/**
 * Trains a few keys one after another (fewer activity calls at 10k keys), then registers the trained
 * ones together (one registry batch: a head update and a transaction per 14 keys instead of one each).
 * Each key ends as a result, never as a thrown error, so one bad key does not hide the others: bad data
 * and a missing file are final, any other fault is marked retryable for the next try. A key a previous
 * try already registered is trained again but not registered again: the registration's idempotency key
 * (its `trainingKey`) finds the earlier version. Retries are rare, so the common path makes no lookup.
 */
export async function trainPartitions(
  input: TrainPartitionsInput,
  services: ManyModelsTrainingServices,
): Promise<KeyResult[]> {
  const started = Date.now();
  const results = new Array<KeyResult | undefined>(input.partitions.length);
  const trained: (SeriesToRegister & { index: number })[] = [];
  for (const [index, partition] of input.partitions.entries()) {
    try {
      trained.push({ index, ...(await trainOne(input, partition, services)) });
    } catch (error) {
      results[index] = failedKey(input, partition, error);
    }
  }
  // For the gate: each key's production version on the new version's holdout, before registering.
  const judged = new Map<number, ProductionOnHoldout>();
  if (input.judgeProduction && services.evaluation) {
    const evaluation = { registry: services.registry, ...services.evaluation };
    for (const { index, trained: series, registration } of trained) {
      const judgement = await productionOnHoldout(evaluation, input.model, registration.key, series);
      if (judgement) judged.set(index, judgement);
    }
  }
  const registered = await registerSeriesModels(services.registry, input.model, input.keyColumns, trained);
  // The keys of a call register together: a key's time is the call's, shared.
  const durationMs = Math.round((Date.now() - started) / input.partitions.length);
  registered.forEach((outcome, i) => {
    const { index } = trained[i]!;
    const partition = input.partitions[index]!;
    results[index] =
      outcome.status === 'rejected'
        ? failedKey(input, partition, outcome.reason)
        : {
            ok: true,
            key: partition.key,
            path: partition.path,
            ...outcome.value,
            attempts: input.attempt,
            durationMs,
            ...(judged.has(index) ? { productionOnHoldout: judged.get(index)! } : {}),
          };
  });
  return results.map((result) => result!);
}

function failedKey(input: TrainPartitionsInput, partition: KeyPartition, error: unknown): KeyResult {
  const final = error instanceof ValidationError || error instanceof NotFoundError;
  return {
    ok: false,
    key: partition.key,
    path: partition.path,
    reason: error instanceof Error ? error.message.split('\n')[0]! : String(error),
    retryable: !final,
    attempts: input.attempt,
  };
}

/** Downloads and trains one key; what its registration will record. */
async function trainOne(
  input: TrainPartitionsInput,
  partition: KeyPartition,
  services: ManyModelsTrainingServices,
): Promise<SeriesToRegister> {
  const trainingKey = trainingKeyOf(input.runId, partition.path);
  const path = blobPath(input.dataset, partition.path);
  services.faults.inject('trainManyKey', path, input.attempt);
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
  return {
    trained,
    registration: {
      model: input.model,
      runId: input.runId,
      key: partition.key,
      data,
      dataSha256: sha256,
      rows,
    },
    trainingKey,
  };
}
