import { EventType, newEvent, type HistoryEvent } from '../../../src/host/durable/history/HistoryEvent';
import type { OrchestratorState } from '../../../src/host/durable/engine/OrchestratorAction';
import { runEpisode, type Outbound } from '../../../src/host/durable/engine/runEpisode';
import { stateFromFailure } from '../../../src/host/durable/engine/stateFromFailure';
import type { InstanceRecord } from '../../../src/host/durable/taskHub/InstanceStore';
import { entityInstanceId, isEntityInstanceId } from '../../../src/host/durable/entities/EntityId';
import { entityEventNames, entityMessage } from '../../../src/host/durable/entities/EntityMessages';
import type { EntitySchedulerState } from '../../../src/host/durable/entities/EntitySchedulerState';
import { InMemoryEntities, type EntityHandler } from './entityHarness';

// The SDK's own test helper wraps a generator the way df.app.orchestration does.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const testing = require('durable-functions/lib/src/util/testingUtils') as {
  createOrchestrator(fn: unknown): (trigger: unknown, context: unknown) => Promise<OrchestratorState>;
  DummyOrchestrationContext: new () => unknown;
};

/** A simulated activity; `raise` sends the orchestration an event, delivered with the activity's completion. */
export type Activity = (
  input: unknown,
  attempt: number,
  raise: (name: string, input: unknown) => void,
) => unknown;
/** A sub-orchestration simulated as one call: its output, or a throw for a failed child. */
export type Child = (input: unknown, instanceId: string) => unknown;

export interface ReplayRun {
  status: string;
  output: unknown;
  history: HistoryEvent[];
  episodes: number;
  /** Entities' stored state after the run, by `@name@key`. */
  entities: Map<string, EntitySchedulerState>;
}

/**
 * Runs an orchestrator generator to completion through the real SDK replay code and the backend's
 * episode logic, with activities, timers and events simulated in memory on a virtual clock. Completions
 * are delivered in the order given by `order` so tests can reproduce specific interleavings.
 */
export async function runInMemory(
  generator: (context: unknown) => Generator<unknown, unknown, unknown>,
  activities: Record<string, Activity>,
  options: {
    input?: unknown;
    events?: { name: string; input: unknown; afterEpisode: number }[];
    order?: 'fifo' | 'lifo';
    children?: Record<string, Child>;
    /** Entity functions by name, run through the SDK's entity code. */
    entities?: Record<string, EntityHandler>;
    /** Client signals to entities (as `signalEntity` sends them), applied after the given episode, before its own messages. */
    signals?: {
      entity: { name: string; key: string };
      operation: string;
      input: unknown;
      afterEpisode: number;
    }[];
  } = {},
): Promise<ReplayRun> {
  const handler = testing.createOrchestrator(generator);
  const attempts = new Map<string, number>();
  let clock = Date.parse('2026-01-01T00:00:00Z');
  const entities = new InMemoryEntities(options.entities ?? {}, clock);
  let record: InstanceRecord = {
    instanceId: 'test-instance',
    name: 'orchestrator',
    executionId: 'e1',
    runtimeStatus: 'Pending',
    createdTime: new Date(clock).toISOString(),
    lastUpdatedTime: new Date(clock).toISOString(),
    historyLength: 0,
  };
  let history: HistoryEvent[] = [];
  let inbox: HistoryEvent[] = [
    newEvent(EventType.ExecutionStarted, new Date(clock).toISOString(), {
      Name: 'orchestrator',
      Input: options.input === undefined ? undefined : JSON.stringify(options.input),
    }),
  ];
  const timers: HistoryEvent[] = [];
  for (let episode = 1; episode <= 200; episode++) {
    clock += 1000;
    const now = new Date(clock).toISOString();
    const outcome = await runEpisode({
      record,
      history,
      events: inbox,
      now,
      invoke: async (payload) => {
        try {
          return await handler(JSON.parse(JSON.stringify(payload)), new testing.DummyOrchestrationContext());
        } catch (error) {
          return stateFromFailure(error as Error);
        }
      },
    });
    record = outcome.record;
    history = outcome.history;
    const toEntities = outcome.outbound.flatMap((item) =>
      item.kind === 'control' && isEntityInstanceId(item.message.instanceId) ? [item.message] : [],
    );
    const signals = (options.signals ?? [])
      .filter((signal) => signal.afterEpisode === episode)
      .map((signal, index) => {
        const request = {
          id: `signal-${episode}-${index}`,
          op: signal.operation,
          signal: true,
          input: JSON.stringify(signal.input),
          timestamp: now,
        };
        return entityMessage(
          request.id,
          entityInstanceId(signal.entity),
          entityEventNames.operation,
          request,
        );
      });
    const responses = await entities.deliver([...signals, ...toEntities], clock);
    if (['Completed', 'Failed', 'Terminated'].includes(record.runtimeStatus)) {
      return {
        status: record.runtimeStatus,
        output: JSON.parse(record.output ?? 'null'),
        history,
        episodes: episode,
        entities: entities.states,
      };
    }
    inbox = responses.map((message) => ({ ...message.event, MessageId: message.id }));
    const raised: HistoryEvent[] = [];
    const raise = (name: string, input: unknown) =>
      raised.push(newEvent(EventType.EventRaised, now, { Name: name, Input: JSON.stringify(input) }));
    const completions = outcome.outbound.flatMap((item) =>
      complete(item, activities, options.children ?? {}, attempts, now, timers, raise),
    );
    if (options.order === 'lifo') completions.reverse();
    inbox.push(...completions, ...raised);
    for (const event of options.events ?? [])
      if (event.afterEpisode === episode)
        inbox.push(
          newEvent(EventType.EventRaised, now, { Name: event.name, Input: JSON.stringify(event.input) }),
        );
    if (inbox.length === 0 && timers.length > 0) {
      timers.sort((a, b) => Date.parse(a.FireAt!) - Date.parse(b.FireAt!));
      const next = timers.shift()!;
      clock = Math.max(clock, Date.parse(next.FireAt!));
      inbox.push(next);
    }
    if (inbox.length === 0)
      throw new Error(`Orchestration is stuck after episode ${episode}: nothing left to deliver.`);
  }
  throw new Error('Orchestration did not finish within 200 episodes.');
}

function complete(
  item: Outbound,
  activities: Record<string, Activity>,
  children: Record<string, Child>,
  attempts: Map<string, number>,
  now: string,
  timers: HistoryEvent[],
  raise: (name: string, input: unknown) => void,
): HistoryEvent[] {
  if (item.kind === 'activity') {
    const { name, input, taskScheduledId } = item.message;
    const attempt = (attempts.get(name) ?? 0) + 1;
    attempts.set(name, attempt);
    try {
      const result = activities[name]!(input === undefined ? undefined : JSON.parse(input), attempt, raise);
      return [
        newEvent(EventType.TaskCompleted, now, {
          TaskScheduledId: taskScheduledId,
          Result: JSON.stringify(result ?? null),
        }),
      ];
    } catch (error) {
      const reason = `Activity function '${name}' failed: ${(error as Error).message}`;
      return [
        newEvent(EventType.TaskFailed, now, {
          TaskScheduledId: taskScheduledId,
          Reason: reason,
          Details: 'stack',
        }),
      ];
    }
  }
  if (item.kind === 'control') {
    if (!isEntityInstanceId(item.message.instanceId)) timers.push(item.message.event);
    return [];
  }
  const child = children[item.name];
  if (!child) throw new Error(`No simulated sub-orchestration "${item.name}"; pass it in options.children.`);
  try {
    const result = child(item.input === undefined ? undefined : JSON.parse(item.input), item.instanceId);
    return [
      newEvent(EventType.SubOrchestrationInstanceCompleted, now, {
        TaskScheduledId: item.parent.TaskScheduleId,
        Result: JSON.stringify(result ?? null),
      }),
    ];
  } catch (error) {
    const reason = (error as Error).message;
    return [
      newEvent(EventType.SubOrchestrationInstanceFailed, now, {
        TaskScheduledId: item.parent.TaskScheduleId,
        Reason: reason,
        Details: reason,
      }),
    ];
  }
}
