import type { QueueClient, ReceivedMessageItem } from '@azure/storage-queue';
import type { HostLogger } from '../../logging/HostLogger';
import { toError } from '../../errors';
import { PollingBackoff } from './PollingBackoff';
import type { QueueMessageProcessor } from './QueueMessageProcessor';
import { minimumPollingIntervalMs, type QueuesOptions } from './readQueuesOptions';

export interface QueueListenerOptions {
  readonly functionName: string;
  readonly queue: QueueClient;
  readonly processor: QueueMessageProcessor;
  readonly options: QueuesOptions;
  readonly leaseSeconds: number;
  readonly log: HostLogger;
  /** How long stop() waits for running invocations. */
  readonly stopGracePeriodMs: number;
}

/**
 * Polls one queue as the extension's queue listener does: receives up to batchSize messages, runs
 * them concurrently, fetches the next batch once newBatchThreshold or fewer are still running, and
 * backs off (100 ms doubling up to maxPollingInterval) while the queue is empty.
 */
export class QueueListener {
  readonly #running = new Set<Promise<void>>();
  readonly #backoff: PollingBackoff;
  #foundSinceLastDelay = false;
  #queueReady = false;
  #stopped = false;
  #loop: Promise<void> | undefined;
  readonly #stopping: Promise<void>;
  #signalStop: () => void = () => undefined;

  constructor(private readonly config: QueueListenerOptions) {
    this.#backoff = new PollingBackoff(minimumPollingIntervalMs, config.options.maxPollingIntervalMs);
    this.#stopping = new Promise((resolve) => (this.#signalStop = resolve));
  }

  /** Creates the queue if missing (so messages can be sent to it right away) and starts polling. */
  async start(): Promise<void> {
    await this.#ensureQueue().catch((error: unknown) => this.#warnPollFailed(error));
    this.#loop = this.#run();
  }

  /** Stops polling, then waits (at most the grace period) for running invocations to settle. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#signalStop();
    await this.#loop;
    if (this.#running.size === 0) return;
    const { log, functionName, stopGracePeriodMs } = this.config;
    log.info(`Function '${functionName}': waiting for ${this.#running.size} running queue message(s)...`);
    const timedOut = Symbol('timedOut');
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      Promise.all(this.#running),
      new Promise((resolve) => (timer = setTimeout(() => resolve(timedOut), stopGracePeriodMs))),
    ]);
    clearTimeout(timer);
    if (outcome === timedOut) {
      log.warn(
        `Function '${functionName}': ${this.#running.size} queue message(s) still running after ${stopGracePeriodMs} ms; they come back on the queue when their visibility timeout ends.`,
      );
    }
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      const delayMs = await this.#pollOnce();
      if (delayMs > 0) await this.#sleep(delayMs);
    }
  }

  /** One receive; returns how long to wait before the next. */
  async #pollOnce(): Promise<number> {
    let messages: ReceivedMessageItem[];
    try {
      await this.#ensureQueue();
      const response = await this.config.queue.receiveMessages({
        numberOfMessages: this.config.options.batchSize,
        visibilityTimeout: this.config.leaseSeconds,
      });
      messages = response.receivedMessageItems;
    } catch (error) {
      this.#queueReady = false;
      this.#warnPollFailed(error);
      return this.#nextDelay();
    }
    if (messages.length === 0) return this.#nextDelay();
    if (this.#stopped) {
      await Promise.all(messages.map((message) => this.config.processor.release(message)));
      return 0;
    }
    this.#foundSinceLastDelay = true;
    for (const message of messages) this.#track(this.config.processor.process(message));
    await this.#waitForNewBatchThreshold();
    return 0;
  }

  async #waitForNewBatchThreshold(): Promise<void> {
    while (!this.#stopped && this.#running.size > this.config.options.newBatchThreshold) {
      await Promise.race([...this.#running, this.#stopping]);
    }
  }

  #track(processing: Promise<void>): void {
    const tracked = processing.finally(() => this.#running.delete(tracked));
    this.#running.add(tracked);
  }

  async #ensureQueue(): Promise<void> {
    if (this.#queueReady) return;
    await this.config.queue.createIfNotExists();
    this.#queueReady = true;
  }

  #nextDelay(): number {
    const delayMs = this.#backoff.next(this.#foundSinceLastDelay);
    this.#foundSinceLastDelay = false;
    return delayMs;
  }

  async #sleep(delayMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([new Promise((resolve) => (timer = setTimeout(resolve, delayMs))), this.#stopping]);
    clearTimeout(timer);
  }

  #warnPollFailed(error: unknown): void {
    this.config.log.warn(
      `Function '${this.config.functionName}': polling queue '${this.config.queue.name}' failed: ${toError(error).message}. Retrying with backoff.`,
    );
  }
}
