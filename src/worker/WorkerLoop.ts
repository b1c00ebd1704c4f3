import type { DequeuedMessageItem, QueueClient } from '@azure/storage-queue';
import type { WorkItem, WorkResult } from '../dispatch/workContracts';
import { decodeWorkItem, encodeQueueMessage } from '../dispatch/workMessages';
import { MessageLease, statusOf } from './MessageLease';
import { runWorkItem, workResultFor, type WorkItemRunner } from './runWorkItem';
import type { WorkerSettings } from './workerSettings';

export interface WorkerQueues {
  readonly work: QueueClient;
  readonly results: QueueClient;
  /** Messages that are not work items go here, as the Functions host does with poison messages. */
  readonly poison: QueueClient;
}

const firstPollMs = 100;
const maxPollMs = 500;

/**
 * Takes work messages one at a time: runs the item while extending the message's lease, sends the
 * result, then deletes the message. A worker that dies before the delete leaves the message to come
 * back; the item then runs again elsewhere and overwrites its outputs (named by unit) with the same bytes.
 */
export class WorkerLoop {
  #stopping = false;
  #current: { lease: MessageLease; messageId: string; done: Promise<void> } | undefined;

  constructor(
    private readonly queues: WorkerQueues,
    private readonly runner: WorkItemRunner,
    private readonly settings: WorkerSettings,
  ) {}

  /** Runs until stopped, or until the queue stayed empty for the idle period when `exitWhenIdle`. */
  async run(exitWhenIdle: boolean): Promise<void> {
    let idleSince = performance.now();
    let pollMs = firstPollMs;
    while (!this.#stopping) {
      const message = await this.#take();
      if (message) {
        const done = this.#process(message);
        this.#current = { ...done, messageId: message.messageId };
        await done.done;
        this.#current = undefined;
        idleSince = performance.now();
        pollMs = firstPollMs;
        continue;
      }
      if (exitWhenIdle && performance.now() - idleSince >= this.settings.idleSeconds * 1000) return;
      await new Promise((resolve) => setTimeout(resolve, pollMs));
      pollMs = Math.min(pollMs * 2, maxPollMs);
    }
  }

  /**
   * Takes no more messages. The running item gets the grace period to finish; after it, its message
   * is made visible again at once so that another worker takes it.
   */
  async stop(): Promise<void> {
    this.#stopping = true;
    const current = this.#current;
    if (!current) return;
    const grace = new Promise<'late'>((resolve) =>
      setTimeout(() => resolve('late'), this.settings.stopGraceSeconds * 1000).unref(),
    );
    if ((await Promise.race([current.done.then(() => 'done' as const), grace])) === 'done') return;
    await current.lease.release();
    this.runner.log(`released message ${current.messageId} for another worker`);
  }

  async #take(): Promise<DequeuedMessageItem | undefined> {
    const response = await this.queues.work.receiveMessages({
      numberOfMessages: 1,
      visibilityTimeout: this.settings.leaseSeconds,
    });
    return response.receivedMessageItems[0];
  }

  #process(message: DequeuedMessageItem): { lease: MessageLease; done: Promise<void> } {
    const lease = new MessageLease(
      this.queues.work,
      message.messageId,
      message.popReceipt,
      this.settings.leaseSeconds,
      this.runner.log,
    );
    lease.start();
    return { lease, done: this.#answer(message, lease) };
  }

  async #answer(message: DequeuedMessageItem, lease: MessageLease): Promise<void> {
    let item: WorkItem;
    try {
      item = decodeWorkItem(message.messageText);
    } catch (error) {
      await lease.stop();
      await this.#poison(message, error);
      return;
    }
    try {
      const result = await this.#resultOf(item, message.dequeueCount);
      const popReceipt = await lease.stop();
      if (lease.lost) {
        this.runner.log(`${item.itemId}: not reporting; its message went to another worker`);
        return;
      }
      await this.queues.results.sendMessage(encodeQueueMessage(result), { messageTimeToLive: -1 });
      await this.#delete(message.messageId, popReceipt);
    } catch (error) {
      // Storage failed: the message stays, and comes back when its lease runs out.
      await lease.stop();
      this.runner.log(`${item.itemId}: left for a retry after ${String(error)}`);
    }
  }

  async #resultOf(item: WorkItem, dequeueCount: number): Promise<WorkResult> {
    if (dequeueCount <= this.settings.maxDequeueCount) return runWorkItem(item, this.runner);
    return workResultFor(
      item,
      this.runner,
      new Date().toISOString(),
    )('failed', {
      error: `${item.kind} ${item.unit}: taken ${dequeueCount} times, and every worker stopped before finishing it`,
    });
  }

  async #poison(message: DequeuedMessageItem, error: unknown): Promise<void> {
    this.runner.log(`message ${message.messageId} is not a work item (${String(error)}); moved to poison`);
    await this.queues.poison.createIfNotExists();
    await this.queues.poison.sendMessage(message.messageText, { messageTimeToLive: -1 });
    await this.#delete(message.messageId, message.popReceipt);
  }

  async #delete(messageId: string, popReceipt: string): Promise<void> {
    try {
      await this.queues.work.deleteMessage(messageId, popReceipt);
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
      this.runner.log(`message ${messageId} was already gone when deleted`);
    }
  }
}
