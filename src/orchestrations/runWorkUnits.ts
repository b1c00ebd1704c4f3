import * as df from 'durable-functions';
import { workEventName, workItemId, type WorkItem, type WorkResult } from '../dispatch/workContracts';

/** A unit of container work: the same unit keeps its name (and output names) across attempts. */
export interface WorkUnit {
  readonly unit: string;
  readonly kind: string;
  readonly payload: unknown;
  /** How much of the job it is (frames, images), for progress. */
  readonly size: number;
}

export interface RunWorkUnitsOptions {
  readonly jobId: string;
  readonly units: readonly WorkUnit[];
  /** The activity that hands items to the dispatcher: input `{ jobId, items }`. */
  readonly dispatchActivity: string;
  /** Units dispatched at once: one wave. */
  readonly maxInFlight: number;
  readonly timeoutSeconds: number;
  readonly maxAttempts: number;
  /** Called after each wave, e.g. to set the custom status. */
  readonly progress?: (done: number, total: number) => void;
}

/** One unit's end: its last attempt's result, or why it gave up. */
export interface UnitRun {
  readonly unit: string;
  readonly attempts: number;
  readonly result?: WorkResult;
  readonly error?: string;
}

export interface WorkUnitsOutcome {
  readonly runs: UnitRun[];
  /** Set when a unit failed on its last attempt; no unit after its wave was dispatched. */
  readonly failed?: UnitRun;
}

const retry = new df.RetryOptions(1000, 3);

/**
 * Runs units of work on the container dispatcher from an orchestration, in waves of `maxInFlight`:
 * dispatch the wave's items, then wait for each item's result event raced against its own durable
 * timer. A unit that failed or timed out goes into the next wave as a new attempt (a new item id; its
 * outputs are named by unit, so a late earlier attempt overwrites them with the same bytes).
 *
 * Every task is yielded once and every event name is awaited once: the Durable extension's
 * out-of-process replay makes new tasks of any task yielded a second time (a new timer, a second
 * waiter for an event), so a task kept across yields would break replay. Hence waves rather than a
 * sliding window, and cancellation by terminating the orchestration rather than by an event.
 */
export function* runWorkUnits(
  context: df.OrchestrationContext,
  options: RunWorkUnitsOptions,
): Generator<df.Task, WorkUnitsOutcome, unknown> {
  let pending = [...options.units];
  const total = options.units.reduce((sum, unit) => sum + unit.size, 0);
  const attempts = new Map<string, number>();
  const runs: UnitRun[] = [];
  let done = 0;
  while (pending.length > 0) {
    const wave = pending.slice(0, options.maxInFlight);
    pending = pending.slice(wave.length);
    const items = wave.map((unit) => itemOf(context, options, unit, attempts));
    yield context.df.callActivityWithRetry(options.dispatchActivity, retry, { jobId: options.jobId, items });
    const deadline = new Date(context.df.currentUtcDateTime.getTime() + options.timeoutSeconds * 1000);
    const waits = items.map((item) => {
      const event = context.df.waitForExternalEvent(workEventName(item.itemId));
      const timer = context.df.createTimer(deadline);
      return { event, timer, any: context.df.Task.any([event, timer]) };
    });
    yield context.df.Task.all(waits.map((wait) => wait.any));
    const again: WorkUnit[] = [];
    for (const [index, wait] of waits.entries()) {
      const item = items[index]!;
      const result = wait.event.isCompleted ? (wait.event.result as WorkResult) : undefined;
      if (result && !wait.timer.isCompleted) wait.timer.cancel();
      if (result?.status === 'succeeded') {
        runs.push({ unit: item.unit, attempts: item.attempt, result });
        done += wave[index]!.size;
        continue;
      }
      const error = result
        ? `${item.unit} ${result.status} on attempt ${item.attempt} (${result.ranOn}): ${result.error ?? 'no reason given'}`
        : `${item.unit} timed out after ${options.timeoutSeconds} s on attempt ${item.attempt}`;
      if (item.attempt >= options.maxAttempts) {
        const failed: UnitRun = { unit: item.unit, attempts: item.attempt, result, error };
        return { runs: [...runs, failed], failed };
      }
      again.push(wave[index]!);
    }
    options.progress?.(done, total);
    pending = [...again, ...pending];
  }
  return { runs };
}

function itemOf(
  context: df.OrchestrationContext,
  options: RunWorkUnitsOptions,
  unit: WorkUnit,
  attempts: Map<string, number>,
): WorkItem {
  const attempt = (attempts.get(unit.unit) ?? 0) + 1;
  attempts.set(unit.unit, attempt);
  return {
    itemId: workItemId(options.jobId, unit.unit, attempt),
    jobId: options.jobId,
    unit: unit.unit,
    attempt,
    instanceId: context.df.instanceId,
    kind: unit.kind,
    timeoutSeconds: options.timeoutSeconds,
    payload: unit.payload,
  };
}
