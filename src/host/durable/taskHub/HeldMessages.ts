import { MessageLease } from './MessageLease';
import type { MessageQueues, Received } from './MessageQueues';
import type { TaskMessage } from './TaskMessage';

/**
 * The messages of one queue kind that this host is working on, each under a renewed lease. A message
 * that comes back while still held (its visibility lapsed) is not handed out again: the lease already
 * held continues under the new pop receipt, so its work is never started twice in this host.
 */
export class HeldMessages {
  readonly #leases = new Map<string, MessageLease>();

  constructor(
    private readonly queues: MessageQueues,
    private readonly visibilityMs: number,
    private readonly onRenewalError: (error: unknown) => void,
  ) {}

  /** A lease on a message just received, or undefined when this host already holds it. */
  hold<T extends TaskMessage>(received: Received<T>): MessageLease<T> | undefined {
    const held = this.#leases.get(received.messageId);
    if (held) {
      held.adopt(received);
      return undefined;
    }
    const lease: MessageLease<T> = new MessageLease(received, {
      queues: this.queues,
      visibilityMs: this.visibilityMs,
      onRenewalError: this.onRenewalError,
      onEnd: () => {
        if (this.#leases.get(received.messageId) === lease) this.#leases.delete(received.messageId);
      },
    });
    this.#leases.set(received.messageId, lease);
    return lease;
  }
}
