import { randomBytes } from 'node:crypto';
import type { DurableClient } from 'durable-functions';
import { currentTraceParent, runIdAttribute, withSpan } from '../../telemetry';
import { compactTime } from './compactTime';
import { retrainOrchestrator, type RetrainInput } from './retrainContracts';

/** A run requested over HTTP: the model, the time and a random suffix (two requests are two runs). */
export function newRunId(model: string, now: Date, suffix = randomBytes(3).toString('hex')): string {
  return `${model}-${compactTime(now)}-${suffix}`;
}

/** A scheduled run: one id per model per schedule occurrence, so a re-fired timer does not start a second run. */
export function scheduledRunId(model: string, occurrence: Date): string {
  return `${model}-scheduled-${compactTime(occurrence)}`;
}

/**
 * The schedule occurrence a timer invocation stands for: the status's `next` when it is due (a scheduled
 * or past-due run; with the schedule monitor on, `next` is the occurrence being run), else the
 * invocation time to the second (schedules more frequent than a minute keep no status).
 */
export function scheduleOccurrence(next: string | undefined, now: Date): Date {
  const due = next === undefined ? NaN : Date.parse(next);
  // Year 1 is the host's "unset"; a `next` ahead of now (a run on start-up) is not this occurrence.
  if (Number.isFinite(due) && due > Date.UTC(2000, 0, 1) && due <= now.getTime() + 5_000)
    return new Date(due);
  return new Date(Math.floor(now.getTime() / 1000) * 1000);
}

/**
 * Starts the run unless an orchestration with its id exists; returns whether it started one. The run's
 * span (`retrain run`, a child of the request's, the timer's or the trigger's) travels in the
 * orchestration's input as its `traceparent`.
 */
export function startRetrain(client: DurableClient, input: RetrainInput): Promise<boolean> {
  const attributes = {
    [runIdAttribute]: input.runId,
    'model.name': input.model,
    'retrain.trigger': input.trigger,
  };
  return withSpan('retrain run', { attributes }, () =>
    startOnce(client, { ...input, ...currentTraceParent() }),
  );
}

async function startOnce(client: DurableClient, input: RetrainInput): Promise<boolean> {
  const status = await client.getStatus(input.runId).catch(() => undefined);
  if (status?.runtimeStatus) return false;
  await client.startNew(retrainOrchestrator, { instanceId: input.runId, input });
  return true;
}
