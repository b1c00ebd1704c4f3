import { isMessageGone, type MessageQueues, type Received } from './MessageQueues';
import type { TaskMessage } from './TaskMessage';

export interface MessageLeaseOptions {
  readonly queues: MessageQueues;
  /** How long each renewal hides the message: how soon it comes back if this host dies. */
  readonly visibilityMs: number;
  /** A renewal failed for another reason than the message being gone; the next one retries. */
  readonly onRenewalError: (error: unknown) => void;
  /** Runs once, when the lease has ended: after its delete or release (or, abandoned, at once). */
  readonly onEnd: () => void;
}

/**
 * Keeps a received message hidden while this host works on it: its visibility timeout is short and
 * renewed every third of it, so a message held by a host that dies comes back within one timeout, while
 * one held by a live host stays hidden however long its work takes. Operations on the message run one
 * at a time, since each renewal returns the pop receipt the next operation needs.
 */
export class MessageLease<T extends TaskMessage = TaskMessage> {
  readonly #timer: NodeJS.Timeout;
  /** The operation in flight or last run; the next one waits for it. */
  #queue: Promise<unknown> = Promise.resolve();
  /** The delete or release that ends the lease, once asked for. */
  #last: (() => Promise<void>) | undefined;

  constructor(
    readonly received: Received<T>,
    private readonly options: MessageLeaseOptions,
  ) {
    this.#timer = setInterval(() => this.#renew(), options.visibilityMs / 3);
    // Renewals alone must not keep a stopping host alive; the message then comes back on its own.
    this.#timer.unref();
  }

  /**
   * The same message was received again: its visibility lapsed (a renewal came too late, e.g. while
   * the event loop was blocked). Its old pop receipt is void; the work goes on under the new one, and a
   * delete or release that went out under the old one is repeated.
   */
  adopt(again: Received<T>): void {
    void this.#serially(async () => {
      this.received.popReceipt = again.popReceipt;
      await (this.#last ?? (() => this.options.queues.hide(this.received, this.options.visibilityMs)))();
    }).catch((error: unknown) => this.#renewalFailed(error));
  }

  /** The work is done: deletes the message. */
  complete(): Promise<void> {
    return this.#end(() => this.options.queues.delete(this.received));
  }

  /** Gives the message back, to be received again after the delay. */
  release(delayMs: number): Promise<void> {
    return this.#end(() => this.options.queues.hide(this.received, delayMs));
  }

  /** Stops renewing: the message comes back when its visibility timeout ends. */
  abandon(): void {
    void this.#end(() => Promise.resolve());
  }

  #renew(): void {
    void this.#serially(() => this.options.queues.hide(this.received, this.options.visibilityMs)).catch(
      (error: unknown) => this.#renewalFailed(error),
    );
  }

  #renewalFailed(error: unknown): void {
    // Gone: deleted, or received again since (that copy is adopted when it arrives).
    if (!isMessageGone(error)) this.options.onRenewalError(error);
  }

  /**
   * Stops renewing and runs the last operation. The message counts as held until that is done: were
   * it received again meanwhile (its visibility had lapsed), it is adopted, not handed out.
   */
  async #end(last: () => Promise<void>): Promise<void> {
    if (this.#last) return;
    this.#last = last;
    clearInterval(this.#timer);
    try {
      await this.#serially(last);
    } finally {
      this.options.onEnd();
    }
  }

  #serially<R>(operation: () => Promise<R>): Promise<R> {
    const next = this.#queue.then(operation, operation);
    this.#queue = next.catch(() => undefined);
    return next;
  }
}
