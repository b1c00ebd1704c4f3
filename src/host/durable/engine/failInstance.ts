import type { AppFunction } from '../../HostExtension';
import { EventType, newEvent } from '../history/HistoryEvent';
import { isTerminal } from '../taskHub/RuntimeStatus';
import type { TaskHub } from '../taskHub/TaskHub';
import { parentCompletion } from './outboundMessages';
import { sendOutbound } from './sendOutbound';

/** Ends an instance as Failed with the reason, outside an episode (its parent, if any, is told). */
export async function failInstance(
  hub: TaskHub,
  instanceId: string,
  reason: string,
  orchestrators: ReadonlyMap<string, AppFunction>,
): Promise<void> {
  const record = await hub.instances.read(instanceId);
  if (!record || isTerminal(record.runtimeStatus)) return;
  const history = await hub.history.read(instanceId, record.historyLength);
  const now = new Date().toISOString();
  const output = JSON.stringify(reason);
  const ending = [
    newEvent(EventType.OrchestratorStarted, now),
    newEvent(EventType.ExecutionCompleted, now, { OrchestrationStatus: 'Failed', Result: output }),
    newEvent(EventType.OrchestratorCompleted, now),
  ];
  await hub.history.write(instanceId, record.executionId, history.length, ending);
  await hub.instances.update({
    ...record,
    runtimeStatus: 'Failed',
    output,
    completedTime: now,
    lastUpdatedTime: now,
    historyLength: history.length + ending.length,
  });
  const parent = history.find((event) => event.EventType === EventType.ExecutionStarted)?.ParentInstance;
  if (parent)
    await sendOutbound(
      hub,
      [parentCompletion(instanceId, record.executionId, parent, 'Failed', output, now)],
      orchestrators,
    );
}
