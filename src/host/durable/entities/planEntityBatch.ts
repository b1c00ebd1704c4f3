import type { EntityRequest } from './EntityMessages';
import type { EntitySchedulerState } from './EntitySchedulerState';
import type { EntityMessage } from './selectEntityMessages';

export interface EntityBatchPlan {
  /** Operations to run now, in order. */
  readonly operations: EntityRequest[];
  /** Lock requests granted in this batch, in order: each is passed on or answered after the commit. */
  readonly locked: EntityRequest[];
  readonly lockedBy: EntitySchedulerState['lockedBy'];
  /** Requests that wait for the lock's release. */
  readonly queue: EntityRequest[];
}

/**
 * Orders a batch's requests around the entity's lock (critical sections): while an orchestration
 * holds it, only that orchestration's operations run and everything else waits in the queue; its
 * release lets the queue through in arrival order, up to the next lock request.
 */
export function planEntityBatch(
  state: EntitySchedulerState,
  messages: readonly EntityMessage[],
): EntityBatchPlan {
  const operations: EntityRequest[] = [];
  const locked: EntityRequest[] = [];
  let lockedBy = state.lockedBy;
  let queue = [...(state.queue ?? [])];

  const admit = (request: EntityRequest) => {
    const holder = lockedBy?.instanceId;
    if (request.lockset) {
      if (holder !== undefined) queue.push(request);
      else {
        lockedBy = {
          instanceId: request.parent ?? '',
          executionId: request.parentExecution,
          requestId: request.id,
        };
        locked.push(request);
      }
    } else if (holder !== undefined && request.parent !== holder) {
      queue.push(request);
    } else {
      operations.push(request);
    }
  };

  for (const message of messages) {
    if (message.kind === 'request') {
      admit(message.request);
    } else if (lockedBy && message.release.id === lockedBy.requestId) {
      lockedBy = undefined;
      const waiting = queue;
      queue = [];
      for (const request of waiting) admit(request);
    }
    // A release of a lock not held (already released, or never granted here) changes nothing.
  }
  return { operations, locked, lockedBy, queue };
}
