import { EventType, newEvent, type HistoryEvent } from '../../../src/host/durable/history/HistoryEvent';
import { UnsentWork } from '../../../src/host/durable/engine/UnsentWork';
import { selectEvents } from '../../../src/host/durable/engine/selectEvents';
import type { InstanceRecord } from '../../../src/host/durable/taskHub/InstanceStore';
import type { ControlMessage } from '../../../src/host/durable/taskHub/TaskMessage';

const at = '2024-01-01T00:00:00.000Z';
const record: InstanceRecord = {
  instanceId: 'fan',
  name: 'fanOut',
  executionId: 'e1',
  runtimeStatus: 'Running',
  createdTime: at,
  lastUpdatedTime: at,
  historyLength: 8,
};

// Two activities scheduled; the result of task 0 is committed, task 1 is outstanding.
const history: HistoryEvent[] = [
  newEvent(EventType.OrchestratorStarted, at),
  newEvent(EventType.ExecutionStarted, at, { Name: 'fanOut', ExecutionId: 'e1' }),
  newEvent(EventType.TaskScheduled, at, { EventId: 0, Name: 'double' }),
  newEvent(EventType.TaskScheduled, at, { EventId: 1, Name: 'double' }),
  newEvent(EventType.OrchestratorCompleted, at),
  newEvent(EventType.OrchestratorStarted, at),
  newEvent(EventType.TaskCompleted, at, { TaskScheduledId: 0, Result: '0', MessageId: 'first-run-0' }),
  newEvent(EventType.OrchestratorCompleted, at),
];

/** A result as an activity's run delivers it (every run sends a new message id). */
const result = (taskId: number, dequeueCount: number, executionId = 'e1') => {
  const message: ControlMessage = {
    kind: 'control',
    id: `run-${taskId}-${dequeueCount}`,
    instanceId: 'fan',
    executionId,
    event: newEvent(EventType.TaskCompleted, at, { TaskScheduledId: taskId, Result: '2' }),
  };
  return { message, dequeueCount };
};

const recoveryNeeded = (unsent: UnsentWork, batch: ReturnType<typeof result>[], current = record) =>
  unsent.mayExist(current, selectEvents(current, history, batch, Date.parse(at)).drop);

describe('UnsentWork: when committed history may name work that was never sent', () => {
  it('after a redelivered duplicate, also when the same batch brings a new result', () => {
    const batch = [result(0, 2), result(1, 2)];
    const selection = selectEvents(record, history, batch, Date.parse(at));
    expect(selection.apply.map((item) => item.message.event.TaskScheduledId)).toEqual([1]);
    expect(selection.drop.map((item) => item.message.event.TaskScheduledId)).toEqual([0]);
    expect(new UnsentWork().mayExist(record, selection.drop)).toBe(true);
  });

  it('not for a duplicate delivered once (an activity of a first delivery that ran twice)', () => {
    expect(recoveryNeeded(new UnsentWork(), [result(0, 1), result(1, 1)])).toBe(false);
  });

  it('not for a redelivered message that is new (nothing committed it)', () => {
    expect(recoveryNeeded(new UnsentWork(), [result(1, 3)])).toBe(false);
  });

  it('once per execution in this process, and again for a new execution', () => {
    const unsent = new UnsentWork();
    expect(recoveryNeeded(unsent, [result(0, 2)])).toBe(true);
    unsent.recovered(record);
    expect(recoveryNeeded(unsent, [result(0, 2)])).toBe(false);
    const continued = { ...record, executionId: 'e2' };
    expect(recoveryNeeded(unsent, [result(0, 2, 'e1')], continued)).toBe(true);
  });

  it('after a commit whose sends did not finish, even without a redelivery or after a recovery', () => {
    const unsent = new UnsentWork();
    unsent.recovered(record);
    unsent.sending('fan');
    expect(recoveryNeeded(unsent, [result(0, 1)])).toBe(true);
    expect(recoveryNeeded(unsent, [])).toBe(true);
    unsent.sent('fan');
    expect(recoveryNeeded(unsent, [result(0, 1)])).toBe(false);
  });
});
