import { parseTimeSpan, type HostJson } from '../../app/HostJson';
import { HostConfigurationError } from '../../errors';

export type QueueMessageEncoding = 'base64' | 'none';

/** host.json `extensions.queues`, with the Storage Queues extension v5 defaults filled in. */
export interface QueuesOptions {
  readonly batchSize: number;
  /** Fetch the next batch once this many or fewer messages are still running. */
  readonly newBatchThreshold: number;
  readonly maxPollingIntervalMs: number;
  /** How long a failed message stays invisible before its next try. */
  readonly visibilityTimeoutMs: number;
  readonly maxDequeueCount: number;
  readonly messageEncoding: QueueMessageEncoding;
}

/** The fastest the listener polls, right after it found messages. */
export const minimumPollingIntervalMs = 100;

const defaultBatchSize = 16;
const defaultMaxPollingIntervalMs = 60_000;
const defaultMaxDequeueCount = 5;

/**
 * Reads the queue options. newBatchThreshold defaults to batchSize / 2, as on the Consumption plan
 * (Azure multiplies it by the vCPU count on dedicated plans).
 */
export function readQueuesOptions(hostJson: HostJson): QueuesOptions {
  const queues = hostJson.extensions?.queues ?? {};
  const batchSize = queues.batchSize ?? defaultBatchSize;
  const maxPollingIntervalMs = timeSpan(
    queues.maxPollingInterval,
    'maxPollingInterval',
    defaultMaxPollingIntervalMs,
  );
  if (maxPollingIntervalMs < minimumPollingIntervalMs) {
    throw new HostConfigurationError(
      `host.json extensions.queues.maxPollingInterval must be at least ${minimumPollingIntervalMs} ms (00:00:00.1).`,
    );
  }
  return {
    batchSize,
    newBatchThreshold: queues.newBatchThreshold ?? Math.floor(batchSize / 2),
    maxPollingIntervalMs,
    visibilityTimeoutMs: timeSpan(queues.visibilityTimeout, 'visibilityTimeout', 0),
    maxDequeueCount: queues.maxDequeueCount ?? defaultMaxDequeueCount,
    messageEncoding: queues.messageEncoding ?? 'base64',
  };
}

function timeSpan(value: string | number | undefined, name: string, fallbackMs: number): number {
  try {
    return parseTimeSpan(value, fallbackMs);
  } catch (error) {
    throw new HostConfigurationError(`host.json extensions.queues.${name}: ${(error as Error).message}`);
  }
}
