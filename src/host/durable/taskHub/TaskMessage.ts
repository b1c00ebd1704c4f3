import type { HistoryEvent } from '../history/HistoryEvent';

/** A message on a control queue: one history event for one orchestration instance. */
export interface ControlMessage {
  readonly kind: 'control';
  /** Unique per logical message; a redelivered copy keeps it, so it is applied once. */
  readonly id: string;
  readonly instanceId: string;
  /** The execution the event belongs to; undefined for events addressed to whatever execution runs. */
  readonly executionId?: string;
  readonly event: HistoryEvent;
  /** For timers: not to be applied before this time (ISO). */
  readonly notBefore?: string;
}

/** A message on the work-item queue: run one activity for one orchestration. */
export interface ActivityMessage {
  readonly kind: 'activity';
  readonly id: string;
  readonly instanceId: string;
  readonly executionId: string;
  readonly name: string;
  /** JSON text. */
  readonly input?: string;
  readonly taskScheduledId: number;
}

/**
 * A work item: activities scheduled together by one episode, sent as one queue message (up to a size
 * limit) so a fan-out of a thousand activities costs tens of queue operations, not thousands.
 */
export interface ActivityBatchMessage {
  readonly kind: 'activities';
  readonly id: string;
  readonly instanceId: string;
  readonly activities: ActivityMessage[];
}

export type TaskMessage = ControlMessage | ActivityBatchMessage;
