import type { InstanceRecord } from '../taskHub/InstanceStore';

/**
 * Decides when an instance's committed history may name work that was never sent, so that
 * `recoverPendingWork` sends it again: after a commit whose sends did not finish in this process, and
 * when a message that history already holds is redelivered (the episode that applied it may have died
 * between its commit and its sends, in an earlier run of the host). What this process commits it sends
 * itself, so redeliveries call for one recovery per execution; later ones would only send duplicates.
 */
export class UnsentWork {
  readonly #recovered = new Map<string, string>();
  readonly #sending = new Set<string>();

  /** An episode of this instance committed and is about to send its messages. */
  sending(instanceId: string): void {
    this.#sending.add(instanceId);
  }

  /** Whether this process committed an episode of the instance whose sends did not all go out. */
  interrupted(instanceId: string): boolean {
    return this.#sending.has(instanceId);
  }

  /** Its messages are sent. */
  sent(instanceId: string): void {
    this.#sending.delete(instanceId);
  }

  /**
   * Whether to re-send the instance's outstanding work before an episode, given the messages of its
   * batch that were dropped as already applied (`selectEvents`).
   */
  mayExist(record: InstanceRecord, dropped: readonly { readonly dequeueCount: number }[]): boolean {
    if (this.#sending.has(record.instanceId)) return true;
    if (this.#recovered.get(record.instanceId) === record.executionId) return false;
    return dropped.some((item) => item.dequeueCount > 1);
  }

  /** The instance's outstanding work was sent again. */
  recovered(record: InstanceRecord): void {
    this.#sending.delete(record.instanceId);
    this.#recovered.set(record.instanceId, record.executionId);
  }
}
