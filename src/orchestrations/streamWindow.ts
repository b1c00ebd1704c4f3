import * as df from 'durable-functions';
import {
  closeWindowEvent,
  windowActivityNames as activity,
  type AggregateResult,
  type CloseResult,
  type ShardResult,
  type StreamWindowInput,
  type WindowOutcome,
  type WindowRef,
} from '../streaming/windows/windowContracts';

// A step that fails on storage or the pool is tried again before the window gives up.
const retry = new df.RetryOptions(1000, 3);

/**
 * One window of a stream: waits for the trigger's close (the watermark passed its end + lateness) or,
 * on an idle stream, a durable timer; then close (Closing, landings listed, model pinned), aggregate
 * (features per key, in shards), score the shards in waves of `maxConcurrency` with that one model,
 * and commit the output once. Every step is an activity; a failure ends the window Failed with the
 * reason, through the same commit. A version after the first (late events re-opened the window)
 * waits on its timer only, then runs the same steps over all of the window's landings.
 */
export function* streamWindow(context: df.OrchestrationContext): Generator<df.Task, WindowOutcome, unknown> {
  const input = context.df.getInput<StreamWindowInput>();
  const version = input.version ?? 1;
  const window: WindowRef = {
    stream: input.stream,
    windowStart: input.windowStart,
    windowEnd: input.windowEnd,
    ...(version > 1 ? { version } : {}),
  };
  const started = context.df.currentUtcDateTime.getTime();
  if (version > 1) {
    // Re-opened by late events: the watermark passed long ago; a timer lets a burst land first.
    yield context.df.createTimer(new Date(started + (input.reopenDelayMs ?? 0)));
  } else {
    const deadline = Math.max(input.windowEnd + input.allowedLatenessMs, started) + input.idleTimeoutMs;
    const timer = context.df.createTimer(new Date(deadline));
    const close = context.df.waitForExternalEvent(closeWindowEvent);
    if ((yield context.df.Task.any([close, timer])) === close) timer.cancel();
  }

  const closed = (yield context.df.callActivityWithRetry(activity.close, retry, window)) as CloseResult;
  const shards: ShardResult[] = [];
  let aggregate: AggregateResult | undefined;
  let failure: string | undefined;
  try {
    if (closed.model !== undefined) {
      aggregate = (yield context.df.callActivityWithRetry(activity.aggregate, retry, {
        ...window,
        landings: closed.landings,
      })) as AggregateResult;
      for (let start = 0; start < aggregate.shards; start += input.maxConcurrency) {
        const wave = Array.from(
          { length: Math.min(input.maxConcurrency, aggregate.shards - start) },
          (_, i) =>
            context.df.callActivityWithRetry(activity.scoreShard, retry, {
              ...window,
              shard: start + i,
              model: closed.model,
            }),
        );
        shards.push(...((yield context.df.Task.all(wave)) as ShardResult[]));
      }
    }
  } catch (error) {
    failure = `The window stopped on an unexpected error: ${error instanceof Error ? error.message.split('\n')[0]?.trim() : String(error)}`;
  }
  return (yield context.df.callActivityWithRetry(activity.commit, retry, {
    ...window,
    close: closed,
    aggregate,
    shards,
    failure,
  })) as WindowOutcome;
}
