import type { QueueClient, QueueServiceClient } from '@azure/storage-queue';
import type { LargePayloads } from './LargePayloads';
import { largePayloadThreshold } from './LargePayloads';
import type { TaskHubNames } from './TaskHubNames';
import type { ActivityBatchMessage, ActivityMessage, ControlMessage, TaskMessage } from './TaskMessage';
import { hasStatus, storageErrorCode } from '../../storage/storageErrors';

/** A received message with what is needed to delete it or keep it hidden. */
export interface Received<T extends TaskMessage> {
  readonly message: T;
  readonly queue: QueueClient;
  readonly messageId: string;
  popReceipt: string;
  readonly dequeueCount: number;
}

// Azure queues hide a message for at most 7 days; longer timers are re-hidden when they surface early.
const maxVisibilitySeconds = 7 * 24 * 3600 - 60;
const batchLimit = 100;
const batchBytes = 40 * 1024;

/** Deleted, or received again since this pop receipt was issued: no longer this holder's to change. */
export function isMessageGone(error: unknown): boolean {
  return hasStatus(error, 404) || storageErrorCode(error) === 'PopReceiptMismatch';
}

/** The control queues (one per partition) and the work-item queue of a task hub. */
export class MessageQueues {
  readonly #control: QueueClient[];
  readonly #workItems: QueueClient;
  readonly #listeners = new Set<(message: TaskMessage) => void>();

  constructor(
    queues: QueueServiceClient,
    private readonly names: TaskHubNames,
    private readonly payloads: LargePayloads,
  ) {
    this.#control = Array.from({ length: names.partitionCount }, (_, index) =>
      queues.getQueueClient(names.controlQueue(index)),
    );
    this.#workItems = queues.getQueueClient(names.workItemQueue);
  }

  async ensure(): Promise<void> {
    await Promise.all([...this.#control, this.#workItems].map((queue) => queue.createIfNotExists()));
  }

  /** Called after every send, so dispatchers in this process wake at once instead of at their next poll. */
  onSent(listener: (message: TaskMessage) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async sendControl(message: ControlMessage): Promise<void> {
    const delayMs = message.notBefore ? Date.parse(message.notBefore) - Date.now() : 0;
    const queue = this.#control[this.names.partitionOf(message.instanceId)]!;
    await queue.sendMessage(await this.#encode(message), {
      // Rounded down: a timer may surface a little early and is then held until due, never late.
      visibilityTimeout:
        delayMs >= 1000 ? Math.min(Math.floor(delayMs / 1000), maxVisibilitySeconds) : undefined,
      messageTimeToLive: -1,
    });
    this.#notify(message);
  }

  /** Sends activities as work items of up to `batchLimit` activities and about 40 KB each. */
  async sendActivities(activities: readonly ActivityMessage[]): Promise<void> {
    const batches: ActivityMessage[][] = [];
    let size = 0;
    for (const activity of activities) {
      const activitySize = Buffer.byteLength(JSON.stringify(activity));
      const last = batches[batches.length - 1];
      if (!last || last.length >= batchLimit || size + activitySize > batchBytes) {
        batches.push([activity]);
        size = activitySize;
      } else {
        last.push(activity);
        size += activitySize;
      }
    }
    await Promise.all(
      batches.map(async (batch) => {
        const message: ActivityBatchMessage = {
          kind: 'activities',
          id: batch[0]!.id,
          instanceId: batch[0]!.instanceId,
          activities: batch,
        };
        await this.#workItems.sendMessage(await this.#encode(message), { messageTimeToLive: -1 });
        this.#notify(message);
      }),
    );
  }

  receiveControl(
    partition: number,
    count: number,
    visibilityMs: number,
  ): Promise<Received<ControlMessage>[]> {
    return this.#receive<ControlMessage>(this.#control[partition]!, count, visibilityMs);
  }

  receiveActivities(count: number, visibilityMs: number): Promise<Received<ActivityBatchMessage>[]> {
    return this.#receive<ActivityBatchMessage>(this.#workItems, count, visibilityMs);
  }

  async delete(received: Received<TaskMessage>): Promise<void> {
    try {
      await received.queue.deleteMessage(received.messageId, received.popReceipt);
    } catch (error) {
      // Already deleted, or its visibility lapsed and another receive owns it now: nothing to undo.
      if (!isMessageGone(error)) throw error;
    }
  }

  /** Hides the message again for a while (keeps long work owned, or re-hides an early timer). */
  async hide(received: Received<TaskMessage>, delayMs: number): Promise<void> {
    const result = await received.queue.updateMessage(
      received.messageId,
      received.popReceipt,
      undefined,
      Math.min(Math.max(Math.ceil(delayMs / 1000), 0), maxVisibilitySeconds),
    );
    if (result.popReceipt) received.popReceipt = result.popReceipt;
  }

  async #receive<T extends TaskMessage>(
    queue: QueueClient,
    count: number,
    visibilityMs: number,
  ): Promise<Received<T>[]> {
    const response = await queue.receiveMessages({
      numberOfMessages: Math.min(Math.max(count, 1), 32),
      visibilityTimeout: Math.max(1, Math.ceil(visibilityMs / 1000)),
    });
    return Promise.all(
      response.receivedMessageItems.map(async (item) => ({
        message: (await this.#decode(item.messageText)) as T,
        queue,
        messageId: item.messageId,
        popReceipt: item.popReceipt,
        dequeueCount: item.dequeueCount,
      })),
    );
  }

  async #encode(message: TaskMessage): Promise<string> {
    const text = JSON.stringify(message);
    if (Buffer.byteLength(text) <= largePayloadThreshold) return text;
    const stored = await this.payloads.store(text, `${message.instanceId}/message-${message.id}.json`);
    return JSON.stringify({ largeMessage: stored.blobName });
  }

  async #decode(text: string): Promise<TaskMessage> {
    const parsed = JSON.parse(text) as TaskMessage | { largeMessage: string };
    if ('largeMessage' in parsed)
      return JSON.parse((await this.payloads.load(undefined, parsed.largeMessage)) ?? '{}') as TaskMessage;
    return parsed;
  }

  #notify(message: TaskMessage): void {
    for (const listener of this.#listeners) listener(message);
  }
}
