import type { MessageLease } from '../taskHub/MessageLease';
import type { ControlMessage } from '../taskHub/TaskMessage';

/**
 * A control message waiting for an episode, from a control queue or handed over in memory by an
 * activity of this host. `complete` runs once the episode that applied it has committed.
 */
export interface InboxItem {
  readonly message: ControlMessage;
  /** How often it was delivered; above 1 means an earlier episode may have died holding it. */
  readonly dequeueCount: number;
  complete(): Promise<void>;
  /** Gives it back, to be delivered again after the delay. */
  defer(delayMs: number): Promise<void>;
}

/** A control queue message, kept hidden (renewed) until its episode completes or defers it. */
export function queueItem(lease: MessageLease<ControlMessage>): InboxItem {
  return {
    message: lease.received.message,
    dequeueCount: lease.received.dequeueCount,
    complete: () => lease.complete(),
    defer: (delayMs) => lease.release(delayMs),
  };
}

/**
 * An activity result handed over in memory. Its durable copy is the activity's work item, deleted only
 * by `complete` (after the result is committed to history); if the host dies first, the work item
 * reappears and the activity runs again. So the result counts as delivered as often as its work item
 * (`workItemDequeueCount`): a result of a redelivered work item may be one an episode committed before
 * it died.
 */
export function localItem(
  message: ControlMessage,
  workItemDequeueCount: number,
  complete: () => Promise<void>,
  redeliver: (item: InboxItem, delayMs: number) => void,
): InboxItem {
  const item: InboxItem = {
    message,
    dequeueCount: workItemDequeueCount,
    complete,
    defer: (delayMs) => {
      redeliver(item, delayMs);
      return Promise.resolve();
    },
  };
  return item;
}
