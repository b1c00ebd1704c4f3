import type { QueueClient } from '@azure/storage-queue';
import { decodeWorkResult, type WorkItem, type WorkResult } from '../../src/dispatch';

/**
 * Takes results off the queue until `count` arrived, then keeps listening for `settleMs` more so that
 * a result sent twice shows up.
 */
export async function takeResults(
  queue: QueueClient,
  count: number,
  { timeoutMs = 40_000, settleMs = 1500 } = {},
): Promise<WorkResult[]> {
  const results: WorkResult[] = [];
  const deadline = Date.now() + timeoutMs;
  let settleUntil = Infinity;
  while (Date.now() < Math.min(deadline, settleUntil)) {
    const { receivedMessageItems } = await queue.receiveMessages({ numberOfMessages: 32 });
    for (const message of receivedMessageItems) {
      results.push(decodeWorkResult(message.messageText));
      await queue.deleteMessage(message.messageId, message.popReceipt);
    }
    if (results.length >= count && settleUntil === Infinity) settleUntil = Date.now() + settleMs;
    if (receivedMessageItems.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return results;
}

/** A `test.sleep` item that writes `{container}/{jobId}/{unit}.txt`. */
export function sleepItem(
  jobId: string,
  unit: string,
  payload: { container: string; steps: number; stepMs: number; outcome?: 'succeed' | 'fail' },
): WorkItem {
  return {
    itemId: `${jobId}.${unit}.a1`,
    jobId,
    unit,
    attempt: 1,
    instanceId: `instance-${jobId}`,
    kind: 'test.sleep',
    timeoutSeconds: 60,
    payload: { ...payload, blobName: `${jobId}/${unit}.txt` },
  };
}

/** The text test.sleep commits for a blob of `steps` steps. */
export function sleepOutput(blobName: string, steps: number): string {
  return Array.from({ length: steps }, (_, step) => `${blobName} step ${step}\n`).join('');
}

export async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`not seen within ${timeoutMs} ms`);
}
