import * as df from 'durable-functions';
import {
  arrivalOperations as operations,
  checkNewTrainingDataActivity,
  newDataRunId,
  trainingDataArrivalsEntity,
  type ArriveAnswer,
  type NewDataCheckResult,
  type NewTrainingDataInput,
  type NewTrainingDataOutcome,
  type TakeAnswer,
} from '../training/retrain/newData/newDataContracts';
import {
  retrainOrchestrator,
  type RetrainInput,
  type RetrainOutcome,
} from '../training/retrain/retrainContracts';

const retry = new df.RetryOptions(2000, 3);

/**
 * New training data for one model, started by the blob trigger for each blob version. It reports its
 * blob to the model's `trainingDataArrivals` entity; the first to arrive while no one collects becomes
 * the collector, the others end at once. The collector waits until no blob has arrived for the quiet
 * period (a durable timer per wait, each yielded once), takes the burst's blobs, checks the data as its
 * own step, and runs `retrain` (a sub-orchestration, trigger `data`) when the check passes; then it asks
 * again, so a burst that came during the run gets the next one. The entity decides atomically who
 * collects and when collecting ends, so a burst starts one run and no arrival is left without a collector.
 */
export function* newTrainingData(
  context: df.OrchestrationContext,
): Generator<df.Task, NewTrainingDataOutcome, unknown> {
  const input = context.df.getInput<NewTrainingDataInput>();
  const entity = new df.EntityId(trainingDataArrivalsEntity, input.model);
  const instanceId = context.df.instanceId;
  const arrived = (yield context.df.callEntity(entity, operations.arrive, {
    blob: input.blob,
    at: context.df.currentUtcDateTime.toISOString(),
    instanceId,
  })) as ArriveAnswer;
  const bursts: NewTrainingDataOutcome['bursts'][number][] = [];
  if (!arrived.collect) return { model: input.model, collected: false, bursts };
  for (let burst = 1; ;) {
    const now = context.df.currentUtcDateTime;
    const taken = (yield context.df.callEntity(entity, operations.take, {
      instanceId,
      now: now.toISOString(),
      quietSeconds: input.quietSeconds,
    })) as TakeAnswer;
    if (taken.kind === 'idle' || taken.kind === 'superseded')
      return { model: input.model, collected: true, bursts };
    if (taken.kind === 'wait') {
      context.df.setCustomStatus({ step: 'waiting', until: taken.until });
      yield context.df.createTimer(new Date(taken.until));
      continue;
    }
    const runId = newDataRunId(input.model, now, instanceId, burst++);
    bursts.push(yield* checkAndRetrain(context, input.model, runId, taken.blobs));
  }
}

function* checkAndRetrain(
  context: df.OrchestrationContext,
  model: string,
  runId: string,
  blobs: readonly string[],
): Generator<df.Task, NewTrainingDataOutcome['bursts'][number], unknown> {
  try {
    context.df.setCustomStatus({ step: 'check', checkId: runId, blobs: blobs.length });
    const check = (yield context.df.callActivityWithRetry(checkNewTrainingDataActivity, retry, {
      checkId: runId,
      model,
      blobs,
      startedAt: context.df.currentUtcDateTime.toISOString(),
    })) as NewDataCheckResult;
    if (!check.passed) return { blobs, check };
    context.df.setCustomStatus({ step: 'retrain', runId });
    const retrainInput: RetrainInput = { runId, model, trigger: 'data', newData: { check: runId, blobs } };
    const run = (yield context.df.callSubOrchestrator(
      retrainOrchestrator,
      retrainInput,
      runId,
    )) as RetrainOutcome;
    return { blobs, check, run };
  } catch (error) {
    // The blobs were taken: the next burst (or the nightly run) reads the data again, this one is reported.
    return { blobs, error: error instanceof Error ? error.message.split('\n')[0] : String(error) };
  }
}
