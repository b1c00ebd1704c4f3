import { isJobCancelled } from '../dispatch/cancelMarkers';
import { WorkCancelledError, type WorkItem, type WorkResult } from '../dispatch/workContracts';
import type { StorageClients } from '../storage/StorageClients';
import type { ExecutionProvider } from './detectExecutionProvider';
import type { HandlerRegistry } from './handlers';

export interface WorkItemRunner {
  readonly storage: StorageClients;
  readonly handlers: HandlerRegistry;
  readonly executionProvider: ExecutionProvider;
  readonly intraOpThreads?: number;
  readonly ranOn: string;
  readonly log: (message: string) => void;
}

// A handler checks for cancellation between frames; one look at the marker per second is enough.
const cancelCheckMs = 1000;

/** Runs one item to its result: cancelled before it starts, the handler's output, or its error. */
export async function runWorkItem(item: WorkItem, runner: WorkItemRunner): Promise<WorkResult> {
  const answer = workResultFor(item, runner, new Date().toISOString());
  const cancelled = cachedCancelCheck(runner.storage, item.jobId);
  if (await cancelled()) return answer('cancelled', {});
  try {
    const handler = runner.handlers.handlerFor(item.kind);
    const context = {
      storage: runner.storage,
      executionProvider: runner.executionProvider,
      intraOpThreads: runner.intraOpThreads,
      cancelled,
      log: (message: string) => runner.log(`${item.itemId}: ${message}`),
    };
    const output = await withinSeconds(handler(item.payload, context), item.timeoutSeconds, item);
    return answer('succeeded', { output });
  } catch (error) {
    if (error instanceof WorkCancelledError || (await cancelled())) return answer('cancelled', {});
    const message = error instanceof Error ? error.message : String(error);
    runner.log(`${item.itemId} failed: ${message}`);
    return answer('failed', { error: `${item.kind} ${item.unit}: ${message}` });
  }
}

/** Builds the item's result with the given status, as this worker reports it. */
export function workResultFor(item: WorkItem, runner: WorkItemRunner, startedAt: string) {
  return (status: WorkResult['status'], more: Pick<WorkResult, 'error' | 'output'>): WorkResult => ({
    itemId: item.itemId,
    jobId: item.jobId,
    unit: item.unit,
    attempt: item.attempt,
    instanceId: item.instanceId,
    kind: item.kind,
    status,
    executionProvider: runner.executionProvider,
    ranOn: runner.ranOn,
    startedAt,
    finishedAt: new Date().toISOString(),
    ...more,
  });
}

function cachedCancelCheck(storage: StorageClients, jobId: string): () => Promise<boolean> {
  let known = false;
  let checkedAt = -Infinity;
  return async () => {
    if (known || performance.now() - checkedAt < cancelCheckMs) return known;
    known = await isJobCancelled(storage, jobId);
    checkedAt = performance.now();
    return known;
  };
}

async function withinSeconds<T>(work: Promise<T>, seconds: number, item: WorkItem): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`did not finish within its timeout of ${seconds} s (attempt ${item.attempt})`)),
      seconds * 1000,
    );
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
