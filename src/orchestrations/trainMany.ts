import type * as df from 'durable-functions';
import type { KeyPartition } from '../manyModels/training/partitionsManifest';
import {
  chunkInstanceId,
  trainManyActivityNames as activity,
  trainManyChunkOrchestrator,
  type ChunkResult,
  type ChunkStatus,
  type FailedKey,
  type KeyResult,
  type ListPartitionsResult,
  type PromotionReport,
  type TrainChunkInput,
  type TrainedKey,
  type TrainManyInput,
  type TrainManyReport,
  type TrainManyProgress,
} from '../manyModels/training/trainManyContracts';

type Step<T> = Generator<df.Task, T, unknown>;

/**
 * Many models: lists the data set's key partitions, fans out sub-orchestrations of at most
 * `keysPerChunk` keys each (one orchestration gathering 10k results is the bottleneck on one machine),
 * and writes one report. Keys that fail are reported, never thrown (a chunk that fails as a whole
 * reports its keys failed); the run fails as a whole only when it cannot list its partitions or trains
 * none.
 */
export function* trainMany(context: df.OrchestrationContext): Step<TrainManyReport> {
  const input = context.df.getInput<TrainManyInput>();
  const startedAt = context.df.currentUtcDateTime.toISOString();
  const base = { runId: input.runId, model: input.model, dataset: input.dataset, startedAt };
  let listed: ListPartitionsResult;
  try {
    listed = (yield context.df.callActivity(activity.list, {
      dataset: input.dataset,
      keys: input.keys,
    })) as ListPartitionsResult;
  } catch (error) {
    listed = { ok: false, reason: firstLine(error) };
  }
  if (!listed.ok) {
    return (yield context.df.callActivity(activity.finish, {
      ...base,
      reason: `The data set's partitions could not be listed: ${listed.reason}`,
      completedAt: context.df.currentUtcDateTime.toISOString(),
      keyColumns: [],
      chunks: 0,
      trained: [],
      failed: [],
    })) as TrainManyReport;
  }
  const { keyColumns } = listed;
  const chunks = chunked(listed.partitions, input.fanOut.keysPerChunk);
  const training: TrainManyProgress = {
    step: 'train',
    keys: listed.partitions.length,
    chunks: chunks.length,
  };
  context.df.setCustomStatus(training);
  const tasks = chunks.map((partitions, i) => {
    const chunk: TrainChunkInput = { ...input, keyColumns, partitions };
    return context.df.callSubOrchestrator(trainManyChunkOrchestrator, chunk, chunkInstanceId(input.runId, i));
  });
  let results: ChunkResult[];
  try {
    results = (yield context.df.Task.all(tasks)) as ChunkResult[];
  } catch {
    // A chunk failed as a whole (keys' own faults are caught inside it, so this is not a key's doing):
    // its keys are reported failed with the reason, and the other chunks' outcomes are kept, waiting
    // for those still running. Task.all has scheduled every chunk already.
    results = [];
    for (const [i, task] of tasks.entries()) results.push(yield* chunkOutcome(task, chunks[i]!));
  }
  const trained = results.flatMap((result) => result.trained);
  let promotion: PromotionReport | undefined;
  if (input.policy !== undefined && trained.length > 0) {
    context.df.setCustomStatus({ ...training, step: 'promote' } satisfies TrainManyProgress);
    promotion = yield* promoteKeys(context, input, keyColumns, trained);
  }
  context.df.setCustomStatus({ ...training, step: 'report' } satisfies TrainManyProgress);
  return (yield context.df.callActivity(activity.finish, {
    ...base,
    completedAt: context.df.currentUtcDateTime.toISOString(),
    keyColumns,
    chunks: chunks.length,
    trained,
    failed: results.flatMap((result) => result.failed),
    ...(promotion === undefined ? {} : { promotion }),
  })) as TrainManyReport;
}

/**
 * The per-key gate over the trained keys; a step that fails as a whole is reported (the versions stay
 * registered, none promoted by this run), never thrown.
 */
function* promoteKeys(
  context: df.OrchestrationContext,
  input: TrainManyInput,
  keyColumns: readonly string[],
  trained: readonly TrainedKey[],
): Step<PromotionReport> {
  const policy = input.policy!;
  try {
    return (yield context.df.callActivity(activity.promote, {
      runId: input.runId,
      model: input.model,
      keyColumns,
      policy,
      trained: trained.map(({ key, version, metrics, productionOnHoldout }) => ({
        key,
        version,
        metrics,
        ...(productionOnHoldout === undefined ? {} : { productionOnHoldout }),
      })),
    })) as PromotionReport;
  } catch (error) {
    return {
      policy,
      compared: 'nothing: the gate failed',
      promoted: 0,
      notPromoted: trained.length,
      keys: [],
      error: firstLine(error),
    };
  }
}

/** A chunk's outcome, or, when it failed as a whole, each of its keys failed with its reason. */
function* chunkOutcome(task: df.Task, partitions: readonly KeyPartition[]): Step<ChunkResult> {
  try {
    return (yield task) as ChunkResult;
  } catch (error) {
    const reason = `Its chunk of ${partitions.length} keys failed: ${firstLine(error)}`;
    return {
      trained: [],
      failed: partitions.map((partition) => ({
        key: partition.key,
        path: partition.path,
        reason,
        retryable: true,
        attempts: 0,
      })),
    };
  }
}

/**
 * One chunk of keys: activity calls of `keysPerActivity` keys, `concurrency` at a time. Keys that fail
 * with a fault that may pass are tried again (after a durable timer that doubles each time) up to
 * `maxAttempts`; bad data fails at once. Returns every key's outcome.
 */
export function* trainManyChunk(context: df.OrchestrationContext): Step<ChunkResult> {
  const input = context.df.getInput<TrainChunkInput>();
  const { fanOut } = input;
  const trained: TrainedKey[] = [];
  const failed: FailedKey[] = [];
  const byPath = new Map(input.partitions.map((partition) => [partition.path, partition]));
  let pending: readonly KeyPartition[] = input.partitions;
  for (let attempt = 1; pending.length > 0; attempt++) {
    if (attempt > 1) {
      const waitMs = fanOut.retryIntervalMs * 2 ** (attempt - 2);
      yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + waitMs));
    }
    const retry: KeyPartition[] = [];
    const batches = chunked(pending, fanOut.keysPerActivity);
    for (let start = 0; start < batches.length; start += fanOut.concurrency) {
      const wave = batches.slice(start, start + fanOut.concurrency);
      for (const result of yield* trainWave(context, input, wave, attempt)) {
        if (result.ok) {
          trained.push(withoutOk(result));
        } else if (result.retryable && attempt < fanOut.maxAttempts) {
          retry.push(byPath.get(result.path)!);
        } else {
          failed.push(withoutOk(result));
        }
      }
      context.df.setCustomStatus({
        keys: input.partitions.length,
        trained: trained.length,
        failed: failed.length,
        attempt,
      } satisfies ChunkStatus);
    }
    pending = retry;
  }
  return { trained, failed };
}

/** One wave of activity calls; a call that fails as a whole fails each of its keys, retryably. */
function* trainWave(
  context: df.OrchestrationContext,
  input: TrainChunkInput,
  wave: readonly (readonly KeyPartition[])[],
  attempt: number,
): Step<KeyResult[]> {
  const { runId, model, dataset, training, keyColumns } = input;
  const judgeProduction = input.policy !== undefined;
  const call = (partitions: readonly KeyPartition[]) =>
    context.df.callActivity(activity.train, {
      runId,
      model,
      dataset,
      training,
      keyColumns,
      partitions,
      attempt,
      ...(judgeProduction ? { judgeProduction } : {}),
    });
  try {
    return ((yield context.df.Task.all(wave.map(call))) as KeyResult[][]).flat();
  } catch (error) {
    // Task.all stops at the first failed call: a key of the wave that was registered meets its
    // idempotency row (run id and key) when registered again, so trying the whole wave again uses up a
    // version number, not a second version.
    const reason = firstLine(error);
    return wave.flat().map((partition) => ({
      ok: false,
      key: partition.key,
      path: partition.path,
      reason,
      retryable: true,
      attempts: attempt,
    }));
  }
}

function withoutOk<T extends { ok: boolean }>(result: T): Omit<T, 'ok'> {
  const key: Partial<T> = { ...result };
  delete key.ok;
  return key as Omit<T, 'ok'>;
}

function chunked<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
  return out;
}

/** An activity failure's message without the wrapper the SDK puts around it. */
function firstLine(error: unknown): string {
  const message = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
  return message.replace(/^Activity function '[^']*' failed: /, '').trim();
}
