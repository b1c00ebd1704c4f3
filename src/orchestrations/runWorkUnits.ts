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
  /** The external event that cancels the job. */
  readonly cancelEvent: string;
  readonly maxInFlight: number;
  readonly timeoutSeconds: number;
  readonly maxAttempts: number;
  /** Called after each finished unit, e.g. to set the custom status. */
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
  /** Set when the cancel event came; units not finished then are not in `runs`. */
  readonly cancelled: boolean;
  /** Set when a unit failed on its last attempt; the other units were not waited for. */
  readonly failed?: UnitRun;
}

interface Flight {
  readonly item: WorkItem;
  readonly event: df.Task;
  readonly timer: df.TimerTask;
}

const retry = new df.RetryOptions(1000, 3);

/**
 * Runs units of work on the container dispatcher from an orchestration: keeps up to `maxInFlight`
 * dispatched, waits for each one's result event raced against a durable timer, and tries a unit that
 * failed or timed out again as a new attempt (a new item id; its outputs are named by unit, so a late
 * first attempt overwrites them with the same bytes). The cancel event stops it at once. Deterministic:
 * no I/O but the dispatch activity, time only from the orchestration's clock.
 */
export function* runWorkUnits(
  context: df.OrchestrationContext,
  options: RunWorkUnitsOptions,
): Generator<df.Task, WorkUnitsOutcome, unknown> {
  const queue = [...options.units];
  const sizes = new Map(options.units.map((unit) => [unit.unit, unit.size]));
  const total = options.units.reduce((sum, unit) => sum + unit.size, 0);
  const attempts = new Map<string, number>();
  const flights: Flight[] = [];
  const runs: UnitRun[] = [];
  const cancel = context.df.waitForExternalEvent(options.cancelEvent);
  let done = 0;

  while (queue.length > 0 || flights.length > 0) {
    const items = takeItems(context, options, queue, attempts, options.maxInFlight - flights.length);
    if (items.length > 0) {
      yield context.df.callActivityWithRetry(options.dispatchActivity, retry, {
        jobId: options.jobId,
        items,
      });
      const deadline = new Date(context.df.currentUtcDateTime.getTime() + options.timeoutSeconds * 1000);
      for (const item of items)
        flights.push({
          item,
          event: context.df.waitForExternalEvent(workEventName(item.itemId)),
          timer: context.df.createTimer(deadline),
        });
    }
    // Task.any over tasks that completed in an earlier episode never resumes (the SDK only reacts to
    // new completions), so a result that arrived while another one was handled is taken first.
    const waiting = [cancel, ...flights.flatMap((f) => [f.event, f.timer])];
    const winner =
      waiting.find((task) => task.isCompleted) ?? ((yield context.df.Task.any(waiting)) as df.Task);
    if (winner === cancel) {
      for (const flight of flights) stopTimer(flight.timer);
      return { runs, cancelled: true };
    }
    const index = flights.findIndex((f) => f.event === winner || f.timer === winner);
    const [flight] = flights.splice(index, 1) as [Flight];
    const result = flight.event === winner ? (winner.result as WorkResult) : undefined;
    if (result) stopTimer(flight.timer);
    if (result?.status === 'succeeded') {
      runs.push({ unit: flight.item.unit, attempts: flight.item.attempt, result });
      done += sizes.get(flight.item.unit) ?? 0;
      options.progress?.(done, total);
      continue;
    }
    const error = result
      ? `${flight.item.unit} ${result.status} on attempt ${flight.item.attempt} (${result.ranOn}): ${result.error ?? 'no reason given'}`
      : `${flight.item.unit} timed out after ${options.timeoutSeconds} s on attempt ${flight.item.attempt}`;
    if (flight.item.attempt < options.maxAttempts) {
      queue.unshift(options.units.find((unit) => unit.unit === flight.item.unit)!);
      continue;
    }
    for (const other of flights) stopTimer(other.timer);
    const failed: UnitRun = { unit: flight.item.unit, attempts: flight.item.attempt, result, error };
    return { runs: [...runs, failed], cancelled: false, failed };
  }
  return { runs, cancelled: false };
}

/** A timer that already fired cannot be cancelled (its result and the event's can land together). */
function stopTimer(timer: df.TimerTask): void {
  if (!timer.isCompleted) timer.cancel();
}

function takeItems(
  context: df.OrchestrationContext,
  options: RunWorkUnitsOptions,
  queue: WorkUnit[],
  attempts: Map<string, number>,
  room: number,
): WorkItem[] {
  const items: WorkItem[] = [];
  while (items.length < room && queue.length > 0) {
    const unit = queue.shift()!;
    const attempt = (attempts.get(unit.unit) ?? 0) + 1;
    attempts.set(unit.unit, attempt);
    items.push({
      itemId: workItemId(options.jobId, unit.unit, attempt),
      jobId: options.jobId,
      unit: unit.unit,
      attempt,
      instanceId: context.df.instanceId,
      kind: unit.kind,
      timeoutSeconds: options.timeoutSeconds,
      payload: unit.payload,
    });
  }
  return items;
}
