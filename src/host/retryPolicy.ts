import type { AppFunction } from './HostExtension';

/** A function's `retry` option, for the trigger kinds the Functions host retries. */
export interface RetryPolicy {
  /** -1 retries without end, as on Azure. */
  readonly maxRetryCount: number;
  delayMs(retry: number): number;
}

// The Functions host applies function-level retry policies to these triggers only (others have their own).
const retryableTriggers = new Set(['timertrigger', 'eventhubtrigger', 'cosmosdbtrigger', 'kafkatrigger']);

interface RpcDuration {
  seconds?: number | string;
  nanos?: number;
}

/** The retry policy registered with the function, if its trigger kind supports one. */
export function retryPolicyFor(fn: AppFunction): RetryPolicy | undefined {
  const options = fn.registered.metadata.retryOptions as
    | {
        maxRetryCount?: number;
        retryStrategy?: string;
        delayInterval?: RpcDuration;
        minimumInterval?: RpcDuration;
        maximumInterval?: RpcDuration;
      }
    | undefined;
  if (!options || !retryableTriggers.has(fn.trigger.type.toLowerCase())) return undefined;
  const maxRetryCount = options.maxRetryCount ?? 0;
  if (options.retryStrategy === 'exponentialBackoff') {
    const minimum = durationMs(options.minimumInterval);
    const maximum = durationMs(options.maximumInterval) || Number.POSITIVE_INFINITY;
    return { maxRetryCount, delayMs: (retry) => Math.min(minimum * 2 ** retry, maximum) };
  }
  const delay = durationMs(options.delayInterval);
  return { maxRetryCount, delayMs: () => delay };
}

function durationMs(duration: RpcDuration | undefined): number {
  if (!duration) return 0;
  return Number(duration.seconds ?? 0) * 1000 + (duration.nanos ?? 0) / 1e6;
}
