import type { StorageClients } from '../storage/StorageClients';
import type { WorkItem } from './workContracts';
import { encodeQueueMessage } from './workMessages';

/** Puts each item on the work queue, where it waits until a worker takes it. */
export async function enqueueWorkItems(
  storage: StorageClients,
  queueName: string,
  items: readonly WorkItem[],
): Promise<void> {
  const messages = items.map(encodeQueueMessage);
  const queue = await storage.queue(queueName);
  // -1: the message never expires (the default is 7 days); the orchestration's timer bounds waiting.
  for (const message of messages) await queue.sendMessage(message, { messageTimeToLive: -1 });
}
