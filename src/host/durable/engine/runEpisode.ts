import { EventType, newEvent, type HistoryEvent } from '../history/HistoryEvent';
import type { InstanceRecord } from '../taskHub/InstanceStore';
import type { ControlMessage } from '../taskHub/TaskMessage';
import { releaseHeldLock, scheduleEntityWork } from '../entities/orchestrationEntityMessages';
import { isEntityWork } from '../entities/EntityWork';
import { ActionSimulator, type ScheduledWork } from './ActionSimulator';
import type { OrchestratorState } from './OrchestratorAction';
import { activityWork, parentCompletion, timerWork, type Outbound } from './outboundMessages';

export type { Outbound } from './outboundMessages';

export interface EpisodeOutcome {
  /** The instance row to commit (ETag of the row that was read). */
  readonly record: InstanceRecord;
  /** The full history of the (possibly new) execution after this episode. */
  readonly history: HistoryEvent[];
  /** Index of the first history event that is not yet stored. */
  readonly firstNewIndex: number;
  readonly outbound: Outbound[];
}

/** Runs the orchestrator function once with the given history; returns its state or its failure message. */
export type OrchestratorInvoker = (payload: unknown) => Promise<OrchestratorState>;

export interface EpisodeInput {
  readonly record: InstanceRecord;
  readonly history: readonly HistoryEvent[];
  /** Events of the applied messages, in order, with their MessageId set. */
  readonly events: readonly HistoryEvent[];
  readonly now: string;
  readonly invoke: OrchestratorInvoker;
}

/**
 * One orchestration episode: appends the new events, replays the orchestrator through the SDK, and
 * turns its actions into history events and messages. Pure apart from `invoke`.
 */
export async function runEpisode(input: EpisodeInput): Promise<EpisodeOutcome> {
  const { record, now } = input;
  const history = [
    ...input.history.map((event) => ({ ...event, IsPlayed: true })),
    newEvent(EventType.OrchestratorStarted, now),
  ];
  const firstNewIndex = input.history.length;
  history.push(...input.events);
  const started = history.find((event) => event.EventType === EventType.ExecutionStarted);
  const updated: InstanceRecord = { ...record, lastUpdatedTime: now };

  const terminated = input.events.find((event) => event.EventType === EventType.ExecutionTerminated);
  if (terminated)
    return finish(updated, history, firstNewIndex, started, 'Terminated', terminated.Input, now);
  if (isSuspended(history)) {
    history.push(newEvent(EventType.OrchestratorCompleted, now));
    return {
      record: { ...updated, runtimeStatus: 'Suspended', historyLength: history.length },
      history,
      firstNewIndex,
      outbound: [],
    };
  }

  const state = await input.invoke({
    history,
    input: started?.Input === undefined ? undefined : (JSON.parse(started.Input) as unknown),
    instanceId: record.instanceId,
    isReplaying: firstNewIndex > 0,
    parentInstanceId: started?.ParentInstance?.InstanceId,
    upperSchemaVersion: 1,
    // V4: critical sections (context.df.lock). Since V3 the SDK splits timers over 6 days into 3-day
    // ones itself, but reports only the whole timer as an action: one timer firing at the end completes it.
    upperSchemaVersionNew: 3,
    longRunningTimerIntervalDuration: '3.00:00:00',
    maximumShortTimerDuration: '6.00:00:00',
    defaultHttpAsyncRequestSleepTimeMillseconds: 30000,
  });
  if (state.customStatus !== undefined) updated.customStatus = JSON.stringify(state.customStatus);
  if (state.error !== undefined) return fail(updated, history, firstNewIndex, started, state.error, now);

  const simulation = new ActionSimulator(state.actions[0] ?? [], record.instanceId, now).run(history);
  if (simulation.unsupported)
    return fail(updated, history, firstNewIndex, started, simulation.unsupported, now);
  const outbound: Outbound[] = [];
  for (const work of simulation.newWork) schedule(work, record, history, outbound, now);

  // Work scheduled by the episode that ends the execution is still sent, as DTFx sends it: its
  // results find the execution finished (or replaced) and are dropped, but the work itself happens.
  if (state.isDone && simulation.continueAsNew)
    return continueAsNew(updated, history, simulation.continueAsNew.input, now, outbound);
  if (state.isDone)
    return finish(
      updated,
      history,
      firstNewIndex,
      started,
      'Completed',
      JSON.stringify(state.output ?? null),
      now,
      outbound,
    );
  history.push(newEvent(EventType.OrchestratorCompleted, now));
  return {
    record: { ...updated, runtimeStatus: 'Running', historyLength: history.length },
    history,
    firstNewIndex,
    outbound,
  };
}

function schedule(
  work: ScheduledWork,
  record: InstanceRecord,
  history: HistoryEvent[],
  outbound: Outbound[],
  now: string,
) {
  const { instanceId, executionId } = record;
  if (isEntityWork(work)) {
    const { event, message } = scheduleEntityWork(work, record, history, now);
    history.push(event);
    outbound.push({ kind: 'control', message });
  } else if (work.kind === 'activity') {
    history.push(
      newEvent(EventType.TaskScheduled, now, { EventId: work.id, Name: work.name, Input: work.input }),
    );
    outbound.push(activityWork(instanceId, executionId, work.id, work.name, work.input));
  } else if (work.kind === 'timer') {
    history.push(newEvent(EventType.TimerCreated, now, { EventId: work.id, FireAt: work.fireAt }));
    outbound.push(timerWork(instanceId, executionId, work.id, work.fireAt));
  } else {
    history.push(
      newEvent(EventType.SubOrchestrationInstanceCreated, now, {
        EventId: work.id,
        Name: work.name,
        InstanceId: work.instanceId,
        Input: work.input,
      }),
    );
    const parent = {
      InstanceId: instanceId,
      ExecutionId: executionId,
      TaskScheduleId: work.id,
      Name: record.name,
    };
    outbound.push({
      kind: 'startChild',
      name: work.name,
      instanceId: work.instanceId,
      input: work.input,
      parent,
    });
  }
}

function finish(
  record: InstanceRecord,
  history: HistoryEvent[],
  firstNewIndex: number,
  started: HistoryEvent | undefined,
  status: 'Completed' | 'Failed' | 'Terminated',
  output: string | undefined,
  now: string,
  sending: readonly Outbound[] = [],
): EpisodeOutcome {
  const outbound: Outbound[] = [...sending];
  // Entities it still holds locked would wait for a release forever.
  for (const { event, message } of releaseHeldLock(record, history, now)) {
    history.push(event);
    outbound.push({ kind: 'control', message });
  }
  if (status === 'Terminated') history.push(newEvent(EventType.ExecutionTerminated, now, { Input: output }));
  history.push(newEvent(EventType.ExecutionCompleted, now, { OrchestrationStatus: status, Result: output }));
  history.push(newEvent(EventType.OrchestratorCompleted, now));
  const parent = started?.ParentInstance;
  if (parent)
    outbound.push(parentCompletion(record.instanceId, record.executionId, parent, status, output, now));
  const completed = {
    ...record,
    runtimeStatus: status,
    output,
    completedTime: now,
    historyLength: history.length,
  };
  return { record: completed, history, firstNewIndex, outbound };
}

function fail(
  record: InstanceRecord,
  history: HistoryEvent[],
  firstNewIndex: number,
  started: HistoryEvent | undefined,
  message: string,
  now: string,
): EpisodeOutcome {
  const text = `Orchestrator function '${record.name}' failed: ${message}`;
  return finish(record, history, firstNewIndex, started, 'Failed', JSON.stringify(text), now);
}

function continueAsNew(
  record: InstanceRecord,
  history: HistoryEvent[],
  input: string | undefined,
  now: string,
  sending: readonly Outbound[],
): EpisodeOutcome {
  const executionId = `${record.executionId.split('~')[0]}~${Date.parse(now)}`;
  const started = history.find((event) => event.EventType === EventType.ExecutionStarted);
  const restart = newEvent(EventType.ExecutionStarted, now, {
    Name: record.name,
    Input: input,
    ExecutionId: executionId,
    ParentInstance: started?.ParentInstance,
  });
  const message: ControlMessage = {
    kind: 'control',
    id: `${record.instanceId}|${executionId}|start`,
    instanceId: record.instanceId,
    executionId,
    event: restart,
  };
  // The old execution's history is left behind; the new one starts empty with its own ExecutionStarted.
  const next: InstanceRecord = { ...record, executionId, input, runtimeStatus: 'Running', historyLength: 0 };
  const releases = releaseHeldLock(record, history, now).map((release): Outbound => ({
    kind: 'control',
    message: release.message,
  }));
  return {
    record: next,
    history: [],
    firstNewIndex: 0,
    outbound: [...sending, ...releases, { kind: 'control', message }],
  };
}

function isSuspended(history: readonly HistoryEvent[]): boolean {
  for (let index = history.length - 1; index >= 0; index--) {
    const type = history[index]!.EventType;
    if (type === EventType.ExecutionResumed) return false;
    if (type === EventType.ExecutionSuspended) return true;
  }
  return false;
}
