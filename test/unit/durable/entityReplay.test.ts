import * as df from 'durable-functions';
import { EventType, type HistoryEvent } from '../../../src/host/durable/history/HistoryEvent';
import { runInMemory } from './replayHarness';

type Context = { df: df.DurableOrchestrationContext };
const orchestrator = (fn: (context: Context) => Generator<unknown, unknown, unknown>) =>
  fn as unknown as (context: unknown) => Generator<unknown, unknown, unknown>;

/** The counter users write: add, get, fail, delete. */
const counter = (context: df.EntityContext<number>) => {
  const value = context.df.getState(() => 0)!;
  switch (context.df.operationName) {
    case 'add':
      context.df.setState(value + context.df.getInput<number>()!);
      break;
    case 'get':
      context.df.return(value);
      break;
    case 'fail':
      throw new Error(`cannot ${context.df.getInput<string>()}`);
    case 'delete':
      context.df.destructOnExit();
      break;
  }
};
const entities = { counter: counter as never };
const id = (key: string) => new df.EntityId('counter', key);

const sentIds = (history: HistoryEvent[]) =>
  history.filter((event) => event.EventType === EventType.EventSent).map((event) => event.EventId);
const storedState = (run: { entities: Map<string, { exists: boolean; state?: string }> }, key: string) => {
  const state = run.entities.get(`@counter@${key}`);
  return state?.exists ? (JSON.parse(state.state ?? 'null') as unknown) : 'missing';
};

describe('entities through the durable-functions SDK: orchestration side and entity side', () => {
  it('gives signals and calls the sequence ids the SDK expects, between activities', async () => {
    const run = await runInMemory(
      orchestrator(function* (context) {
        context.df.signalEntity(id('a'), 'add', 2);
        const first = yield context.df.callEntity(id('a'), 'get');
        const doubled = yield context.df.callActivity('double', first);
        context.df.signalEntity(id('a'), 'add', doubled);
        context.df.signalEntity(id('b'), 'add', 1);
        return [first, doubled, yield context.df.callEntity(id('a'), 'get')];
      }),
      { double: (n) => (n as number) * 2 },
      { entities },
    );
    expect(run).toMatchObject({ status: 'Completed', output: [2, 4, 6] });
    expect(sentIds(run.history)).toEqual([0, 1, 3, 4, 5]);
    expect(run.history.find((event) => event.EventType === EventType.TaskScheduled)?.EventId).toBe(2);
    expect(storedState(run, 'b')).toBe(1);
  });

  it('delivers a call that throws as an error with the message, which the orchestrator catches', async () => {
    const run = await runInMemory(
      orchestrator(function* (context) {
        try {
          yield context.df.callEntity(id('x'), 'fail', 'divide by zero');
          return 'no error';
        } catch (error) {
          return `caught: ${(error as Error).message}`;
        }
      }),
      {},
      { entities },
    );
    expect(run.output).toBe('caught: cannot divide by zero');
  });

  it('fails a Task.all of calls fast when one throws', async () => {
    const run = await runInMemory(
      orchestrator(function* (context) {
        try {
          yield context.df.Task.all([
            context.df.callEntity(id('p'), 'add', 1),
            context.df.callEntity(id('q'), 'fail', 'now'),
          ]);
          return 'no error';
        } catch (error) {
          return `caught: ${(error as Error).message}`;
        }
      }),
      {},
      { entities },
    );
    expect(run.output).toBe('caught: cannot now');
    expect(storedState(run, 'p')).toBe(1);
  });

  it('applies the signals of an orchestration that ends in the same episode', async () => {
    const run = await runInMemory(
      orchestrator(function* (context) {
        yield context.df.callActivity('double', 1);
        for (let i = 0; i < 5; i++) context.df.signalEntity(id('last'), 'add', 10);
        context.df.signalEntity(id('gone'), 'add', 1);
        context.df.signalEntity(id('gone'), 'delete');
        return 'done';
      }),
      { double: (n) => (n as number) * 2 },
      { entities },
    );
    expect(storedState(run, 'last')).toBe(50);
    expect(storedState(run, 'gone')).toBe('missing');
  });

  it('locks, calls inside the critical section, and releases with one id per entity', async () => {
    const run = await runInMemory(
      orchestrator(function* (context) {
        const lock = (yield context.df.lock(id('l1'), id('l2'))) as df.DurableLock;
        yield context.df.callEntity(id('l1'), 'add', 3);
        const held = context.df.isLocked().ownedLocks.length;
        lock.release();
        return [held, yield context.df.callActivity('double', 1)];
      }),
      { double: (n) => (n as number) * 2 },
      { entities },
    );
    expect(run.output).toEqual([2, 2]);
    // lock: 0, call: 1, release of l1 and l2: 2 and 3, then the activity: 4.
    expect(sentIds(run.history)).toEqual([0, 1, 2, 3]);
    expect(run.history.find((event) => event.EventType === EventType.TaskScheduled)?.EventId).toBe(4);
    expect(run.entities.get('@counter@l1')?.lockedBy).toBeUndefined();
    expect(run.entities.get('@counter@l2')?.lockedBy).toBeUndefined();
  });

  it('releases the entities an orchestration still holds when it ends', async () => {
    const run = await runInMemory(
      orchestrator(function* (context) {
        yield context.df.lock(id('k1'));
        return 'kept the lock';
      }),
      {},
      { entities },
    );
    expect(run.output).toBe('kept the lock');
    expect(run.entities.get('@counter@k1')?.lockedBy).toBeUndefined();
  });

  it('runs a 10-day timer (split by the SDK since schema V3) as one timer', async () => {
    const run = await runInMemory(
      orchestrator(function* (context) {
        const due = new Date(context.df.currentUtcDateTime.getTime() + 10 * 24 * 3600_000);
        yield context.df.createTimer(due);
        return yield context.df.callActivity('double', 21);
      }),
      { double: (n) => (n as number) * 2 },
    );
    expect(run).toMatchObject({ status: 'Completed', output: 42 });
    expect(run.history.filter((event) => event.EventType === EventType.TimerFired)).toHaveLength(1);
  });
});
