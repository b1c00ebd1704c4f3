import * as df from 'durable-functions';
import {
  EventType,
  eventTypeName,
  newEvent,
  type HistoryEvent,
} from '../../../src/host/durable/history/HistoryEvent';
import type { OrchestratorState } from '../../../src/host/durable/engine/OrchestratorAction';
import { runEpisode, type Outbound } from '../../../src/host/durable/engine/runEpisode';
import type { InstanceRecord } from '../../../src/host/durable/taskHub/InstanceStore';

// The SDK's own test helper wraps a generator the way df.app.orchestration does.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const testing = require('durable-functions/lib/src/util/testingUtils') as {
  createOrchestrator(fn: unknown): (trigger: unknown, context: unknown) => Promise<OrchestratorState>;
  DummyOrchestrationContext: new () => unknown;
};
type Context = { df: df.DurableOrchestrationContext };

const t0 = '2026-01-01T00:00:00.000Z';
const t1 = '2026-01-01T00:00:05.000Z';
const parent = { InstanceId: 'parent', ExecutionId: 'p1', TaskScheduleId: 3, Name: 'outer' };
const record: InstanceRecord = {
  instanceId: 'child',
  name: 'inner',
  executionId: 'c1',
  runtimeStatus: 'Running',
  createdTime: t0,
  lastUpdatedTime: t0,
  parentInstanceId: 'parent',
  historyLength: 3,
};
const committed: HistoryEvent[] = [
  newEvent(EventType.OrchestratorStarted, t0),
  newEvent(EventType.ExecutionStarted, t0, { Name: 'inner', ExecutionId: 'c1', ParentInstance: parent }),
  newEvent(EventType.OrchestratorCompleted, t0),
];

const invoking = (fn: (context: Context) => Generator<unknown, unknown, unknown>) => {
  const handler = testing.createOrchestrator(fn);
  return (payload: unknown) =>
    handler(JSON.parse(JSON.stringify(payload)), new testing.DummyOrchestrationContext());
};
const notInvoked = () => Promise.reject(new Error('the orchestrator must not run'));
const toParent = (outbound: Outbound[]) =>
  outbound.flatMap((item) =>
    item.kind === 'control' && item.message.instanceId === 'parent' ? [item.message.event] : [],
  );

describe('the episode that ends an execution', () => {
  it('tells the parent that its sub-orchestration was terminated, as a failure naming it and the reason', async () => {
    const outcome = await runEpisode({
      record,
      history: committed,
      events: [newEvent(EventType.ExecutionTerminated, t1, { Input: JSON.stringify('operator stop') })],
      now: t1,
      invoke: notInvoked,
    });
    expect(outcome.record.runtimeStatus).toBe('Terminated');
    expect(toParent(outcome.outbound)).toEqual([
      expect.objectContaining({
        EventType: EventType.SubOrchestrationInstanceFailed,
        TaskScheduledId: 3,
        Reason: "Sub-orchestration instance 'child' was terminated: operator stop",
      }),
    ]);
  });

  it('sends the work it scheduled before completing, as DTFx does', async () => {
    const outcome = await runEpisode({
      record,
      history: committed,
      events: [newEvent(EventType.EventRaised, t1, { Name: 'go', Input: '1' })],
      now: t1,
      invoke: invoking(function* (context) {
        yield context.df.Task.any([
          context.df.waitForExternalEvent('go'),
          context.df.callActivity('notify', 'started'),
        ]);
        return 'done';
      }),
    });
    expect(outcome.record.runtimeStatus).toBe('Completed');
    expect(outcome.outbound.map(describeOutbound)).toEqual([
      'activity notify',
      'control SubOrchestrationInstanceCompleted to parent',
    ]);
  });

  it('sends the work it scheduled before continuing as new', async () => {
    const outcome = await runEpisode({
      record,
      history: committed,
      events: [newEvent(EventType.EventRaised, t1, { Name: 'go', Input: '1' })],
      now: t1,
      invoke: invoking(function* (context) {
        yield context.df.Task.any([
          context.df.waitForExternalEvent('go'),
          context.df.callActivity('notify', 'started'),
        ]);
        context.df.continueAsNew('next');
      }),
    });
    expect(outcome.record.input).toBe('"next"');
    expect(outcome.outbound.map(describeOutbound)).toEqual([
      'activity notify',
      'control ExecutionStarted to child',
    ]);
  });
});

function describeOutbound(item: Outbound): string {
  if (item.kind === 'activity') return `activity ${item.message.name}`;
  if (item.kind === 'control')
    return `control ${eventTypeName[item.message.event.EventType]} to ${item.message.instanceId}`;
  return `start ${item.name}`;
}
