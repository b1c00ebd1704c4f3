import { parseTimeSpan, type HostJson } from '../app/HostJson';
import type { AppSettings } from '../settings/AppSettings';
import { resolveAppSettings } from '../settings/resolveBindingExpressions';

/** host.json `extensions.durableTask` settings the embedded backend honours, with 2-core defaults. */
export interface DurableSettings {
  hubName: string;
  partitionCount: number;
  maxConcurrentActivityFunctions: number;
  maxConcurrentOrchestratorFunctions: number;
  controlQueueBatchSize: number;
  /** Control messages held in memory at most: past it, the control queues are not read until some are done. */
  controlQueueBufferThreshold: number;
  controlQueueVisibilityTimeoutMs: number;
  workItemQueueVisibilityTimeoutMs: number;
  maxQueuePollingIntervalMs: number;
  /** Most entity operations run in one invocation of an entity function. */
  maxEntityOperationBatchSize: number;
  /** How long an entity remembers a sender to deduplicate and order its messages (and a message waits for its predecessor). */
  entityMessageReorderWindowMs: number;
}

export function durableSettingsFrom(
  hostJson: HostJson,
  cores: number,
  settings?: AppSettings,
): DurableSettings {
  const durable = (hostJson.extensions?.durableTask ?? {}) as Record<string, unknown>;
  const provider = (durable.storageProvider ?? {}) as Record<string, unknown>;
  const number = (value: unknown, fallback: number) =>
    typeof value === 'number' && value > 0 ? value : fallback;
  return {
    hubName: hubNameFrom(durable.hubName, settings),
    partitionCount: number(provider.partitionCount, 4),
    maxConcurrentActivityFunctions: number(durable.maxConcurrentActivityFunctions, 10 * cores),
    maxConcurrentOrchestratorFunctions: number(durable.maxConcurrentOrchestratorFunctions, 10 * cores),
    controlQueueBatchSize: number(provider.controlQueueBatchSize, 32),
    controlQueueBufferThreshold: number(provider.controlQueueBufferThreshold, 256),
    // Azure's default is 5 min. Here a message is hidden this long and renewed every third of it while
    // the host works on it, so it comes back this soon after a crash (one host owns a task hub, and a
    // message that resurfaces under it while its work runs is adopted, not run again).
    controlQueueVisibilityTimeoutMs: timeSpanMs(provider.controlQueueVisibilityTimeout, 15_000),
    workItemQueueVisibilityTimeoutMs: timeSpanMs(provider.workItemQueueVisibilityTimeout, 15_000),
    // Azure's default is 30 s; Azurite is local, so poll idle queues every second at most.
    maxQueuePollingIntervalMs: timeSpanMs(provider.maxQueuePollingInterval, 1000),
    maxEntityOperationBatchSize: number(durable.maxEntityOperationBatchSize, 1000),
    entityMessageReorderWindowMs: number(durable.entityMessageReorderWindowInMinutes, 30) * 60_000,
  };
}

function timeSpanMs(value: unknown, fallback: number): number {
  return parseTimeSpan(typeof value === 'string' ? value : undefined, fallback);
}

/** host.json hubName, which may name an app setting (`%MyTaskHub%`); Core Tools' default otherwise. */
function hubNameFrom(value: unknown, settings: AppSettings | undefined): string {
  if (typeof value !== 'string' || value === '') return 'TestHubName';
  return settings ? resolveAppSettings(value, settings, 'host.json extensions.durableTask.hubName') : value;
}
