import type { QueueClient } from '@azure/storage-queue';
import { isMessageGone } from './isMessageGone';

export interface QueueMessageLeaseOptions {
  /** How long each renewal keeps the message invisible. */
  readonly visibilityTimeoutSeconds: number;
  /** When to renew; half the visibility timeout unless given. */
  readonly renewEveryMs?: number;
  /** Called when a renewal fails for another reason than the message being gone; it is retried sooner. */
  readonly onRenewalError: (error: unknown) => void;
}

const maxRetryDelayMs = 60_000;

/**
 * Keeps a received message invisible while its function runs by renewing its visibility halfway
 * through, as the queue listener does for long runs, and tracks the pop receipt each renewal returns
 * (the message can only be deleted or released with the latest one).
 */
export class QueueMessageLease {
  #popReceipt: string;
  #timer: NodeJS.Timeout | undefined;
  #renewal: Promise<void> | undefined;
  #stopped = false;
  readonly #renewEveryMs: number;

  constructor(
    private readonly queue: QueueClient,
    private readonly messageId: string,
    popReceipt: string,
    private readonly options: QueueMessageLeaseOptions,
  ) {
    this.#popReceipt = popReceipt;
    this.#renewEveryMs = options.renewEveryMs ?? (options.visibilityTimeoutSeconds * 1000) / 2;
  }

  start(): void {
    this.#schedule(this.#renewEveryMs);
  }

  /** Stops renewing (after a renewal in flight) and returns the current pop receipt. */
  async stop(): Promise<string> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#renewal;
    return this.#popReceipt;
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#renewal = this.#renew();
    }, delayMs);
    // A lease alone must not keep a stopping host alive: after the stop grace period the message
    // simply stays invisible until its visibility timeout ends, then comes back.
    this.#timer.unref();
  }

  async #renew(): Promise<void> {
    try {
      const response = await this.queue.updateMessage(
        this.messageId,
        this.#popReceipt,
        undefined,
        this.options.visibilityTimeoutSeconds,
      );
      if (response.popReceipt) this.#popReceipt = response.popReceipt;
      this.#schedule(this.#renewEveryMs);
    } catch (error) {
      if (isMessageGone(error)) return;
      this.options.onRenewalError(error);
      this.#schedule(Math.min(this.#renewEveryMs / 2, maxRetryDelayMs));
    }
  }
}
