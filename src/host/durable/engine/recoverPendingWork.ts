import type { AppFunction } from '../../HostExtension';
import { EventType, newEvent, type HistoryEvent } from '../history/HistoryEvent';
import type { InstanceRecord } from '../taskHub/InstanceStore';
import { isTerminal } from '../taskHub/RuntimeStatus';
import type { TaskHub } from '../taskHub/TaskHub';
import type { Outbound } from './runEpisode';
import { activityWork, parentCompletion, timerWork } from './outboundMessages';
import { sendOutbound } from './sendOutbound';

/**
 * Re-sends what committed history says is still outstanding: activities without a result, timers not
 * fired, sub-orchestrations not finished, a finished child's result to its parent, the start of a
 * continued-as-new execution. Used when redelivered messages show an episode may have died between
 * its commit and its sends. Receivers apply duplicates once, so re-sending is safe; activities that
 * `isHeldHere` (by `ActivityMessage.id`: a work item of this host has them) are left out, as they
 * would only run twice.
 */
export async function recoverPendingWork(
  hub: TaskHub,
  record: InstanceRecord,
  history: readonly HistoryEvent[],
  orchestrators: ReadonlyMap<string, AppFunction>,
  isHeldHere: (activityId: string) => boolean = () => false,
): Promise<void> {
  const { instanceId, executionId } = record;
  const done = new Set<string>();
  for (const event of history) {
    if (event.TaskScheduledId !== undefined) done.add(`task:${event.TaskScheduledId}`);
    if (event.EventType === EventType.TimerFired) done.add(`timer:${event.TimerId}`);
  }
  const outbound: Outbound[] = [];
  const started = history.find((event) => event.EventType === EventType.ExecutionStarted);
  for (const event of history) {
    if (event.EventType === EventType.TaskScheduled && !done.has(`task:${event.EventId}`)) {
      outbound.push(activityWork(instanceId, executionId, event.EventId, event.Name ?? '', event.Input));
    } else if (event.EventType === EventType.TimerCreated && !done.has(`timer:${event.EventId}`)) {
      outbound.push(timerWork(instanceId, executionId, event.EventId, event.FireAt ?? event.Timestamp));
    } else if (
      event.EventType === EventType.SubOrchestrationInstanceCreated &&
      !done.has(`task:${event.EventId}`)
    ) {
      const parent = {
        InstanceId: instanceId,
        ExecutionId: executionId,
        TaskScheduleId: event.EventId,
        Name: record.name,
      };
      outbound.push({
        kind: 'startChild',
        name: event.Name ?? '',
        instanceId: event.InstanceId ?? '',
        input: event.Input,
        parent,
      });
    }
  }
  const parent = started?.ParentInstance;
  const completed = history.find((event) => event.EventType === EventType.ExecutionCompleted);
  const status = completed?.OrchestrationStatus;
  if (parent && completed && (status === 'Completed' || status === 'Failed' || status === 'Terminated')) {
    outbound.push(
      parentCompletion(instanceId, executionId, parent, status, completed.Result, completed.Timestamp),
    );
  }
  if (history.length === 0 && !isTerminal(record.runtimeStatus)) {
    const restart = newEvent(EventType.ExecutionStarted, record.lastUpdatedTime, {
      Name: record.name,
      Input: record.input,
      ExecutionId: executionId,
    });
    outbound.push({
      kind: 'control',
      message: {
        kind: 'control',
        id: `${instanceId}|${executionId}|start`,
        instanceId,
        executionId,
        event: restart,
      },
    });
  }
  const toSend = outbound.filter((item) => item.kind !== 'activity' || !isHeldHere(item.message.id));
  await sendOutbound(hub, toSend, orchestrators);
}
