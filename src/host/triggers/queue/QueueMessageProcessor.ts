import type { QueueClient, ReceivedMessageItem } from '@azure/storage-queue';
import type { AppFunction, HostServices } from '../../HostExtension';
import { InvocationFailedError } from '../../InvocationPipeline';
import { toError } from '../../errors';
import { decodeQueueMessage } from './decodeQueueMessage';
import { QueueMessageLease } from './QueueMessageLease';
import type { QueuesOptions } from './readQueuesOptions';
import { storageErrorCode } from '../../storage/storageErrors';
import { isMessageGone } from './isMessageGone';
import { toQueueTriggerInvocation } from './toQueueTriggerInvocation';

export interface QueueMessageProcessorOptions {
  readonly fn: AppFunction;
  readonly services: HostServices;
  readonly queue: QueueClient;
  /** Undefined for a queue that has no poison queue (see poisonQueueNameFor). */
  readonly poisonQueue: QueueClient | undefined;
  readonly options: QueuesOptions;
  /** How long a received message stays invisible while its function runs (renewed halfway). */
  readonly leaseSeconds: number;
}

/**
 * Runs one received message through its function and settles it as the Storage Queues extension
 * does: deleted on success; on failure made visible again after `visibilityTimeout`, or moved to
 * `<queue>-poison` once it was dequeued `maxDequeueCount` times. Never throws: a message it cannot
 * settle stays invisible until its lease runs out and then comes back (at-least-once).
 */
export class QueueMessageProcessor {
  constructor(private readonly config: QueueMessageProcessorOptions) {}

  async process(message: ReceivedMessageItem): Promise<void> {
    try {
      await this.#process(message);
    } catch (error) {
      this.config.services.log.error(
        `${this.#who(message)}: could not settle the message (${toError(error).message}). It comes back when its visibility timeout ends.`,
      );
    }
  }

  /** Makes messages received after stop() visible again at once, for another host to take. */
  async release(message: ReceivedMessageItem): Promise<void> {
    await this.#setVisibleAfter(message, message.popReceipt, 0).catch((error: unknown) =>
      this.config.services.log.warn(
        `${this.#who(message)}: could not release the message: ${toError(error).message}`,
      ),
    );
  }

  async #process(message: ReceivedMessageItem): Promise<void> {
    const { fn, services, options } = this.config;
    if (message.dequeueCount > options.maxDequeueCount) {
      return this.#moveToPoison(message, message.popReceipt);
    }
    const body = decodeQueueMessage(message.messageText, options.messageEncoding);
    if (!body) {
      // Retrying cannot help, so the extension moves such a message to the poison queue at once.
      this.#logUndecodable(message);
      return this.#moveToPoison(message, message.popReceipt, false);
    }
    const lease = this.#lease(message);
    let succeeded = false;
    try {
      await services.invoke(fn, toQueueTriggerInvocation(message, body, this.config.queue.name, fn.trigger));
      succeeded = true;
    } catch (error) {
      // The pipeline has logged the function's own failure; anything else is the host's.
      if (!(error instanceof InvocationFailedError)) {
        services.log.error(`${this.#who(message)}: ${toError(error).message}`);
      }
    }
    const popReceipt = await lease.stop();
    await this.#settle(message, popReceipt, succeeded);
  }

  async #settle(message: ReceivedMessageItem, popReceipt: string, succeeded: boolean): Promise<void> {
    if (succeeded) return this.#ignoreGone(this.config.queue.deleteMessage(message.messageId, popReceipt));
    // Without a poison queue the message stays invisible until its lease ends, to avoid a fast loop.
    if (!this.config.poisonQueue) return;
    if (message.dequeueCount >= this.config.options.maxDequeueCount) {
      return this.#moveToPoison(message, popReceipt);
    }
    const seconds = Math.floor(this.config.options.visibilityTimeoutMs / 1000);
    await this.#setVisibleAfter(message, popReceipt, seconds);
  }

  async #moveToPoison(message: ReceivedMessageItem, popReceipt: string, logIt = true): Promise<void> {
    const { poisonQueue, queue, services, options } = this.config;
    if (!poisonQueue) return;
    if (logIt) {
      services.log.warn(
        `${this.#who(message)}: Message has reached MaxDequeueCount of ${options.maxDequeueCount}. Moving message to queue '${poisonQueue.name}'.`,
      );
    }
    // The text is copied as it was received, so the poison queue holds it in the same encoding.
    try {
      await poisonQueue.sendMessage(message.messageText);
    } catch (error) {
      if (storageErrorCode(error) !== 'QueueNotFound') throw error;
      await poisonQueue.createIfNotExists();
      await poisonQueue.sendMessage(message.messageText);
    }
    await this.#ignoreGone(queue.deleteMessage(message.messageId, popReceipt));
  }

  async #setVisibleAfter(message: ReceivedMessageItem, popReceipt: string, seconds: number): Promise<void> {
    await this.#ignoreGone(
      this.config.queue.updateMessage(message.messageId, popReceipt, undefined, seconds),
    );
  }

  /** Someone else already settled the message, or its queue is gone: nothing is left to do. */
  async #ignoreGone(request: Promise<unknown>): Promise<void> {
    try {
      await request;
    } catch (error) {
      if (!isMessageGone(error)) throw error;
    }
  }

  #logUndecodable(message: ReceivedMessageItem): void {
    const poisonQueue = this.config.poisonQueue;
    const outcome = poisonQueue
      ? `Moving it to queue '${poisonQueue.name}' without running the function.`
      : 'The function was not run; the queue has no poison queue, so the message stays invisible until its visibility timeout ends.';
    this.config.services.log.error(
      `${this.#who(message)}: the message is not valid base64, which host.json extensions.queues.messageEncoding "base64" (the default) requires. ${outcome} Send messages base64-encoded, or set "messageEncoding": "none" in host.json to receive the text as it is.`,
    );
  }

  #lease(message: ReceivedMessageItem): QueueMessageLease {
    const lease = new QueueMessageLease(this.config.queue, message.messageId, message.popReceipt, {
      visibilityTimeoutSeconds: this.config.leaseSeconds,
      onRenewalError: (error) =>
        this.config.services.log.warn(
          `${this.#who(message)}: could not extend the message's visibility (${toError(error).message}); retrying.`,
        ),
    });
    lease.start();
    return lease;
  }

  #who(message: ReceivedMessageItem): string {
    return `Function '${this.config.fn.name}', queue '${this.config.queue.name}', message ${message.messageId}`;
  }
}
