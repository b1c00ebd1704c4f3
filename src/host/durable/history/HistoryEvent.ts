/**
 * History events as the Durable Task Framework writes them (PascalCase fields), which is what the
 * durable-functions replay code reads. Numeric values match DTFx's EventType enum.
 */
export const EventType = {
  ExecutionStarted: 0,
  ExecutionCompleted: 1,
  ExecutionFailed: 2,
  ExecutionTerminated: 3,
  TaskScheduled: 4,
  TaskCompleted: 5,
  TaskFailed: 6,
  SubOrchestrationInstanceCreated: 7,
  SubOrchestrationInstanceCompleted: 8,
  SubOrchestrationInstanceFailed: 9,
  TimerCreated: 10,
  TimerFired: 11,
  OrchestratorStarted: 12,
  OrchestratorCompleted: 13,
  EventSent: 14,
  EventRaised: 15,
  ContinueAsNew: 16,
  GenericEvent: 17,
  HistoryState: 18,
  ExecutionSuspended: 19,
  ExecutionResumed: 20,
} as const;

export type EventTypeValue = (typeof EventType)[keyof typeof EventType];

export const eventTypeName: Record<number, string> = Object.fromEntries(
  Object.entries(EventType).map(([name, value]) => [value, name]),
);

export interface HistoryEvent {
  EventType: EventTypeValue;
  /** Sequence id for scheduling events (TaskScheduled, TimerCreated, SubOrchestrationInstanceCreated); -1 otherwise. */
  EventId: number;
  IsPlayed: boolean;
  /** ISO 8601. */
  Timestamp: string;
  Name?: string;
  Version?: string;
  /** JSON text. */
  Input?: string;
  /** JSON text. */
  Result?: string;
  TaskScheduledId?: number;
  TimerId?: number;
  FireAt?: string;
  Reason?: string;
  Details?: string;
  InstanceId?: string;
  OrchestrationStatus?: string;
  /** ExecutionStarted: which execution this is (changes on continueAsNew). */
  ExecutionId?: string;
  ParentInstance?: { InstanceId: string; ExecutionId: string; TaskScheduleId: number; Name: string };
  /** Backend bookkeeping: the message that produced this event, so a redelivered message is applied once. */
  MessageId?: string;
}

export function newEvent(
  type: EventTypeValue,
  timestamp: string,
  fields: Partial<HistoryEvent> = {},
): HistoryEvent {
  return { EventType: type, EventId: -1, IsPlayed: false, Timestamp: timestamp, ...fields };
}
