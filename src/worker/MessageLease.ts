import type { QueueClient } from '@azure/storage-queue';

/**
 * Keeps a taken work message invisible while its item runs: every half lease the visibility is
 * extended by a lease. A worker that dies stops extending it, and the message comes back after at
 * most one lease for another worker to take. Each extension returns a new pop receipt, the one that
 * deletes or releases the message.
 */
export class MessageLease {
  #popReceipt: string;
  #timer: NodeJS.Timeout | undefined;
  #extending: Promise<void> = Promise.resolve();
  #stopped = false;
  #lost = false;

  constructor(
    private readonly queue: QueueClient,
    private readonly messageId: string,
    popReceipt: string,
    private readonly leaseSeconds: number,
    private readonly log: (message: string) => void,
  ) {
    this.#popReceipt = popReceipt;
  }

  /** True once the message was found gone or taken by another worker: this worker no longer owns it. */
  get lost(): boolean {
    return this.#lost;
  }

  start(): void {
    this.#schedule((this.leaseSeconds * 1000) / 2);
  }

  /** Stops extending (after an extension in flight) and returns the latest pop receipt. */
  async stop(): Promise<string> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#extending;
    return this.#popReceipt;
  }

  /** Makes the message visible again at once, for another worker; this one no longer owns it. */
  async release(): Promise<void> {
    const popReceipt = await this.stop();
    if (this.#lost) return;
    this.#lost = true;
    await this.queue.updateMessage(this.messageId, popReceipt, undefined, 0);
  }

  #schedule(delayMs: number): void {
    if (this.#stopped || this.#lost) return;
    this.#timer = setTimeout(() => {
      this.#extending = this.#extend();
    }, delayMs);
  }

  async #extend(): Promise<void> {
    try {
      const response = await this.queue.updateMessage(
        this.messageId,
        this.#popReceipt,
        undefined,
        this.leaseSeconds,
      );
      if (response.popReceipt) this.#popReceipt = response.popReceipt;
      this.#schedule((this.leaseSeconds * 1000) / 2);
    } catch (error) {
      if (statusOf(error) === 404) {
        this.#lost = true;
        this.log(`message ${this.messageId} is no longer this worker's (its lease ran out)`);
        return;
      }
      this.log(`extending message ${this.messageId} failed, retrying: ${String(error)}`);
      this.#schedule((this.leaseSeconds * 1000) / 8);
    }
  }
}

/** The HTTP status of a storage SDK error. */
export function statusOf(error: unknown): number | undefined {
  return typeof error === 'object' && error !== null && 'statusCode' in error
    ? Number(error.statusCode)
    : undefined;
}
