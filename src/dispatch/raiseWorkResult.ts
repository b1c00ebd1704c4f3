import type { DurableClient } from 'durable-functions';
import { workEventName, type WorkResult } from './workContracts';

/**
 * Hands a worker's result to the orchestration that dispatched the item, as the event it waits for. A
 * result for an orchestration that has ended (a duplicate, or a late attempt after the job finished)
 * is dropped with a line saying so: nothing waits for it. Returns what to log.
 */
export async function raiseWorkResult(client: DurableClient, result: WorkResult): Promise<string> {
  const what = `${result.itemId} (${result.status}, ${result.ranOn})`;
  const status = await client.getStatus(result.instanceId, { showHistory: false, showInput: false });
  const running = ['Pending', 'Running', 'ContinuedAsNew'].includes(String(status?.runtimeStatus ?? ''));
  if (!running) return `Dropped the result of ${what}: orchestration ${result.instanceId} is not running.`;
  await client.raiseEvent(result.instanceId, workEventName(result.itemId), result);
  return `Result of ${what} sent to ${result.instanceId}.`;
}
