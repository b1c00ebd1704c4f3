import { randomUUID } from 'node:crypto';
import type { AppFunction } from '../../HostExtension';
import { EventType, newEvent, type HistoryEvent } from '../history/HistoryEvent';
import type { TaskHub } from '../taskHub/TaskHub';
import type { Outbound } from './runEpisode';

const parallelSends = 16;

/** Sends an episode's messages (idempotently: receivers apply each once), a bounded number at a time. */
export async function sendOutbound(
  hub: TaskHub,
  outbound: readonly Outbound[],
  orchestrators: ReadonlyMap<string, AppFunction>,
): Promise<void> {
  const activities = outbound.flatMap((item) => (item.kind === 'activity' ? [item.message] : []));
  const others = outbound.filter((item) => item.kind !== 'activity');
  const sending: Promise<void>[] = activities.length > 0 ? [hub.queues.sendActivities(activities)] : [];
  for (let index = 0; index < others.length; index += parallelSends) {
    await Promise.all(
      others.slice(index, index + parallelSends).map((item) => sendOne(hub, item, orchestrators)),
    );
  }
  await Promise.all(sending);
}

async function sendOne(
  hub: TaskHub,
  item: Exclude<Outbound, { kind: 'activity' }>,
  orchestrators: ReadonlyMap<string, AppFunction>,
): Promise<void> {
  if (item.kind === 'control') return hub.queues.sendControl(item.message);
  return startChild(hub, item, orchestrators);
}

/** Creates a sub-orchestration instance unless it already started; an unknown orchestrator fails the parent's task. */
export async function startChild(
  hub: TaskHub,
  child: Extract<Outbound, { kind: 'startChild' }>,
  orchestrators: ReadonlyMap<string, AppFunction>,
): Promise<void> {
  const now = new Date().toISOString();
  const { parent } = child;
  if (!orchestrators.has(child.name.toLowerCase())) {
    const reason = `The function '${child.name}' doesn't exist, is disabled, or is not an orchestrator function.`;
    const failed = newEvent(EventType.SubOrchestrationInstanceFailed, now, {
      TaskScheduledId: parent.TaskScheduleId,
      Reason: reason,
      Details: reason,
    });
    return hub.queues.sendControl({
      kind: 'control',
      id: `${child.instanceId}|missing`,
      instanceId: parent.InstanceId,
      executionId: parent.ExecutionId,
      event: failed,
    });
  }
  const existing = await hub.instances.read(child.instanceId);
  if (existing && existing.runtimeStatus !== 'Pending') return;
  const executionId = randomUUID().replace(/-/g, '');
  const record = {
    instanceId: child.instanceId,
    name: child.name,
    executionId,
    runtimeStatus: 'Pending' as const,
    input: child.input,
    createdTime: now,
    lastUpdatedTime: now,
    parentInstanceId: parent.InstanceId,
    historyLength: 0,
  };
  if (existing) await hub.instances.update({ ...record, etag: existing.etag });
  else await hub.instances.create(record);
  const started: HistoryEvent = newEvent(EventType.ExecutionStarted, now, {
    Name: child.name,
    Input: child.input,
    ExecutionId: executionId,
    ParentInstance: parent,
  });
  await hub.queues.sendControl({
    kind: 'control',
    id: randomUUID(),
    instanceId: child.instanceId,
    executionId,
    event: started,
  });
}
