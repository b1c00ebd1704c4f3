import type { ControlMessage } from '../taskHub/TaskMessage';
import type { EntityRequest } from './EntityMessages';

/**
 * Everything the backend keeps about one entity, stored as the `Input` of its `@name@key` row in the
 * Instances table (as the Azure Storage provider keeps its entity scheduler's state there). One ETag-
 * checked write of this row commits a batch: the new entity state and the memory of which requests
 * it applied go together, so a redelivered request is recognised whether or not the host died first.
 */
export interface EntitySchedulerState {
  /** Whether the entity exists: it has been given state and not deleted since. */
  exists: boolean;
  /** The entity's state, JSON text. */
  state?: string;
  /** Per sender stream (an orchestration execution or an entity): the last `seq` applied, and when (ms). */
  streams?: Record<string, { last: number; at: number }>;
  /** Client signals applied whose queue messages may still come back, by batch: when applied (ms), request ids. */
  clients?: { at: number; ids: string[] }[];
  /** The entity's own stream of signals: the last `seq` it used, and the last one sent to each target. */
  sent?: number;
  sentTo?: Record<string, { seq: number; at: string }>;
  /** The messages of the last batch until they are known to be sent (a crash may have cut the sends short). */
  outbox?: ControlMessage[];
  /** The orchestration holding the entity's lock (a critical section), and its lock request's id. */
  lockedBy?: { instanceId: string; executionId?: string; requestId: string };
  /** Requests from others that wait until the lock is released, in arrival order. */
  queue?: EntityRequest[];
}

/** The status the row's `CustomStatus` shows, as the extension reports an entity scheduler's. */
export interface EntityStatus {
  entityExists: boolean;
  queueSize: number;
  lockedBy?: string;
}

export function parseSchedulerState(input: string | undefined): EntitySchedulerState {
  if (input === undefined) return { exists: false };
  const parsed = JSON.parse(input) as Partial<EntitySchedulerState> | null;
  return { ...parsed, exists: parsed?.exists === true };
}

export function entityStatusOf(state: EntitySchedulerState): EntityStatus {
  return {
    entityExists: state.exists,
    queueSize: state.queue?.length ?? 0,
    lockedBy: state.lockedBy?.instanceId,
  };
}

/** The state as stored: empty maps and lists left out. */
export function serializeSchedulerState(state: EntitySchedulerState): string {
  const compact: Record<string, unknown> = { ...state };
  for (const [key, value] of Object.entries(compact)) {
    const empty =
      value === undefined ||
      (Array.isArray(value) && value.length === 0) ||
      (typeof value === 'object' && value !== null && Object.keys(value).length === 0);
    if (empty) delete compact[key];
  }
  return JSON.stringify(compact);
}
