import type { AppFunction } from '../../HostExtension';
import { EventType, newEvent, type HistoryEvent } from '../history/HistoryEvent';
import { ConcurrencyConflictError } from '../taskHub/InstanceStore';
import type { TaskHub } from '../taskHub/TaskHub';
import { decideChildStart } from './decideChildStart';
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

/**
 * Starts a sub-orchestration (see `decideChildStart`): creates its instance, or replaces a finished one
 * with that ID. A start that cannot happen (no such orchestrator, a bad or busy instance ID) fails the
 * parent's task with the reason instead of leaving the parent waiting.
 */
export async function startChild(
  hub: TaskHub,
  child: Extract<Outbound, { kind: 'startChild' }>,
  orchestrators: ReadonlyMap<string, AppFunction>,
): Promise<void> {
  const now = new Date().toISOString();
  if (!orchestrators.has(child.name.toLowerCase())) {
    const reason = `The function '${child.name}' doesn't exist, is disabled, or is not an orchestrator function.`;
    return failParentTask(hub, child, reason, now);
  }
  // Another start under this ID may write its row between our read and write: decide again.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startChildOnce(hub, child, now);
    } catch (error) {
      if (!(error instanceof ConcurrencyConflictError) || attempt === 3) throw error;
    }
  }
}

async function startChildOnce(
  hub: TaskHub,
  child: Extract<Outbound, { kind: 'startChild' }>,
  now: string,
): Promise<void> {
  const existing = await hub.instances.read(child.instanceId);
  const decision = decideChildStart(child, existing);
  if (decision.kind === 'started') return;
  if (decision.kind === 'refuse') return failParentTask(hub, child, decision.reason, now);
  const { executionId } = decision;
  if (decision.kind === 'start') {
    const record = {
      instanceId: child.instanceId,
      name: child.name,
      executionId,
      runtimeStatus: 'Pending' as const,
      input: child.input,
      createdTime: now,
      lastUpdatedTime: now,
      parentInstanceId: child.parent.InstanceId,
      historyLength: 0,
    };
    // Under the finished instance's ETag, so that a start that lost a race is decided again.
    if (existing) await hub.instances.update({ ...record, etag: existing.etag });
    else await hub.instances.create(record);
  }
  const started: HistoryEvent = newEvent(EventType.ExecutionStarted, now, {
    Name: child.name,
    Input: child.input,
    ExecutionId: executionId,
    ParentInstance: child.parent,
  });
  await hub.queues.sendControl({
    kind: 'control',
    id: `${child.instanceId}|${executionId}|start`,
    instanceId: child.instanceId,
    executionId,
    event: started,
  });
}

function failParentTask(
  hub: TaskHub,
  child: Extract<Outbound, { kind: 'startChild' }>,
  reason: string,
  now: string,
): Promise<void> {
  const { parent } = child;
  const failed = newEvent(EventType.SubOrchestrationInstanceFailed, now, {
    TaskScheduledId: parent.TaskScheduleId,
    Reason: reason,
    Details: reason,
  });
  return hub.queues.sendControl({
    kind: 'control',
    id: `${parent.InstanceId}|${parent.ExecutionId}|${parent.TaskScheduleId}|not-started`,
    instanceId: parent.InstanceId,
    executionId: parent.ExecutionId,
    event: failed,
  });
}
