import { move, transferableSymbol, valueSymbol } from 'piscina';
import { toWorkerError, type WorkerError } from './workerErrors';

/** When a thread ran a task: wall-clock milliseconds since the epoch, as the pool's thread reads them. */
export interface TaskTiming {
  readonly startedMs: number;
  readonly endedMs: number;
}

/** A task's outcome as it crosses back to the pool: its result, or what it threw (by class). */
export type TaskOutcome<Result> = (
  { readonly ok: true; readonly result: Result } | { readonly ok: false; readonly error: WorkerError }
) & { readonly timing?: TaskTiming };

/** Wall-clock milliseconds, comparable across threads (each thread has its own time origin). */
export const epochMs = (): number => performance.timeOrigin + performance.now();

/** What a task returns: its result, and the buffers of it to hand back rather than copy. */
export interface TaskResult<Result> {
  readonly result: Result;
  readonly transfer?: readonly ArrayBuffer[];
}

/**
 * A worker module's task, as its default export: runs `task` on each request in a pool thread and
 * returns its outcome (errors keep their class across the thread boundary). `task` may return a
 * TaskResult to hand buffers back instead of copying them.
 */
export function workerTask<Request, Result>(
  task: (request: Request) => Result | TaskResult<Result> | Promise<Result | TaskResult<Result>>,
  options: { readonly transfersResults?: boolean } = {},
): (request: Request) => Promise<unknown> {
  return async (request) => {
    const startedMs = epochMs();
    try {
      const value = await task(request);
      const timing = { startedMs, endedMs: epochMs() };
      if (!options.transfersResults) return { ok: true, result: value as Result, timing };
      const { result, transfer = [] } = value as TaskResult<Result>;
      const outcome: TaskOutcome<Result> = { ok: true, result, timing };
      return move(new TransferredOutcome(outcome, transfer));
    } catch (error) {
      return { ok: false, error: toWorkerError(error), timing: { startedMs, endedMs: epochMs() } };
    }
  };
}

/** An outcome whose buffers go back by transfer (piscina's protocol for transferable results). */
class TransferredOutcome<Result> {
  constructor(
    private readonly outcome: TaskOutcome<Result>,
    private readonly buffers: readonly ArrayBuffer[],
  ) {}

  get [transferableSymbol](): object {
    return [...this.buffers];
  }

  get [valueSymbol](): object {
    return this.outcome;
  }
}
