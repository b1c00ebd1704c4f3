import { EventType, newEvent, type HistoryEvent } from '../history/HistoryEvent';
import type { ActivityMessage, ControlMessage } from '../taskHub/TaskMessage';

/** Something an episode sends once its history is committed. */
export type Outbound =
  | { kind: 'activity'; message: ActivityMessage }
  | { kind: 'control'; message: ControlMessage }
  | {
      kind: 'startChild';
      name: string;
      instanceId: string;
      input?: string;
      parent: NonNullable<HistoryEvent['ParentInstance']>;
    };

type Parent = NonNullable<HistoryEvent['ParentInstance']>;

/** The work item for a scheduled activity; its id is deterministic so a re-send is recognisable. */
export function activityWork(
  instanceId: string,
  executionId: string,
  id: number,
  name: string,
  input: string | undefined,
): Outbound {
  const message = {
    kind: 'activity' as const,
    id: `${instanceId}|${executionId}|${id}`,
    instanceId,
    executionId,
    name,
    input,
    taskScheduledId: id,
  };
  return { kind: 'activity', message };
}

/** The TimerFired message of a durable timer, hidden until it is due. */
export function timerWork(instanceId: string, executionId: string, id: number, fireAt: string): Outbound {
  const event = newEvent(EventType.TimerFired, fireAt, { TimerId: id, FireAt: fireAt });
  return {
    kind: 'control',
    message: {
      kind: 'control',
      id: `${instanceId}|${executionId}|${id}`,
      instanceId,
      executionId,
      event,
      notBefore: fireAt,
    },
  };
}

/**
 * Tells a parent orchestration how its sub-orchestration ended (`result` is the JSON output, error
 * text or termination reason). A terminated child fails the parent's task, as in DTFx.
 */
export function parentCompletion(
  instanceId: string,
  executionId: string,
  parent: Parent,
  status: 'Completed' | 'Failed' | 'Terminated',
  result: string | undefined,
  timestamp: string,
): Outbound {
  const reason =
    status === 'Terminated'
      ? `Sub-orchestration instance '${instanceId}' was terminated${result ? `: ${jsonText(result)}` : '.'}`
      : jsonText(result);
  const event =
    status === 'Completed'
      ? newEvent(EventType.SubOrchestrationInstanceCompleted, timestamp, {
          TaskScheduledId: parent.TaskScheduleId,
          Result: result,
        })
      : newEvent(EventType.SubOrchestrationInstanceFailed, timestamp, {
          TaskScheduledId: parent.TaskScheduleId,
          Reason: reason,
          Details: reason,
        });
  const message = {
    kind: 'control' as const,
    id: `${instanceId}|${executionId}|done`,
    instanceId: parent.InstanceId,
    executionId: parent.ExecutionId,
    event,
  };
  return { kind: 'control', message };
}

/** A JSON string's text, or the JSON itself when it is not a string. */
function jsonText(json: string | undefined): string {
  if (json === undefined) return '';
  const value: unknown = JSON.parse(json);
  return typeof value === 'string' ? value : json;
}
