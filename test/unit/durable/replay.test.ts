import * as df from 'durable-functions';
import { EventType, type HistoryEvent } from '../../../src/host/durable/history/HistoryEvent';
import { ActionSimulator, retryDelayMs } from '../../../src/host/durable/engine/ActionSimulator';
import { runInMemory } from './replayHarness';

type Context = { df: df.DurableOrchestrationContext };
const orchestrator = (fn: (context: Context) => Generator<unknown, unknown, unknown>) =>
  fn as unknown as (context: unknown) => Generator<unknown, unknown, unknown>;

const scheduledIds = (history: HistoryEvent[], type: number) =>
  history.filter((event) => event.EventType === type).map((event) => event.EventId);

describe('replay through the durable-functions SDK: sequence ids match', () => {
  it('chains activities with ids 0, 1, 2', async () => {
    const run = await runInMemory(
      orchestrator(function* (context) {
        const a = yield context.df.callActivity('hello', 'a');
        const b = yield context.df.callActivity('hello', 'b');
        const c = yield context.df.callActivity('hello', 'c');
        return [a, b, c].join(',');
      }),
      { hello: (name) => `hi ${String(name)}` },
    );
    expect(run).toMatchObject({ status: 'Completed', output: 'hi a,hi b,hi c' });
    expect(scheduledIds(run.history, EventType.TaskScheduled)).toEqual([0, 1, 2]);
  });

  it('gives a retry inside Task.all a timer id and a new attempt id after the other task ids', async () => {
    const run = await runInMemory(
      orchestrator(function* (context) {
        const results = yield context.df.Task.all([
          context.df.callActivityWithRetry('flaky', new df.RetryOptions(1000, 3), null),
          context.df.callActivity('steady', null),
        ]);
        return results;
      }),
      { flaky: (_input, attempt) => (attempt < 2 ? fail('boom') : 'flaky ok'), steady: () => 'steady ok' },
    );
    expect(run).toMatchObject({ status: 'Completed', output: ['flaky ok', 'steady ok'] });
    expect(scheduledIds(run.history, EventType.TaskScheduled)).toEqual([0, 1, 3]);
    expect(scheduledIds(run.history, EventType.TimerCreated)).toEqual([2]);
  });

  it('takes a timer after the final failed attempt too, then fails the task', async () => {
    const run = await runInMemory(
      orchestrator(function* (context) {
        try {
          yield context.df.callActivityWithRetry('broken', new df.RetryOptions(500, 2), null);
        } catch {
          return yield context.df.callActivity('after', null);
        }
        return 'unreachable';
      }),
      { broken: () => fail('always'), after: () => 'recovered' },
    );
    expect(run).toMatchObject({ status: 'Completed', output: 'recovered' });
    expect(scheduledIds(run.history, EventType.TaskScheduled)).toEqual([0, 2, 4]);
    expect(scheduledIds(run.history, EventType.TimerCreated)).toEqual([1, 3]);
  });

  it('schedules retry timers with the backoff DTFx computes', async () => {
    const run = await runInMemory(
      orchestrator(function* (context) {
        const options = new df.RetryOptions(1000, 4);
        options.backoffCoefficient = 2;
        return yield context.df.callActivityWithRetry('flaky', options, null);
      }),
      { flaky: (_input, attempt) => (attempt < 4 ? fail('again') : 'done') },
    );
    expect(run.output).toBe('done');
    const timers = run.history.filter((event) => event.EventType === EventType.TimerCreated);
    const delays = timers.map((timer) => Date.parse(timer.FireAt!) - Date.parse(timer.Timestamp));
    expect(delays).toEqual([1000, 2000, 4000]);
  });

  it('handles two retryable tasks failing in the same episode, whatever the delivery order', async () => {
    for (const order of ['fifo', 'lifo'] as const) {
      const run = await runInMemory(
        orchestrator(function* (context) {
          return yield context.df.Task.all([
            context.df.callActivityWithRetry('a', new df.RetryOptions(100, 3), null),
            context.df.callActivityWithRetry('b', new df.RetryOptions(100, 3), null),
          ]);
        }),
        {
          a: (_input, attempt) => (attempt < 2 ? fail('a') : 'A'),
          b: (_input, attempt) => (attempt < 3 ? fail('b') : 'B'),
        },
        { order },
      );
      expect(run).toMatchObject({ status: 'Completed', output: ['A', 'B'] });
    }
  });

  it('resumes after Task.any with nested Task.all, and ignores the loser later', async () => {
    const run = await runInMemory(
      orchestrator(function* (context) {
        const timer = context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 60_000));
        const work = context.df.Task.all([context.df.callActivity('x', 1), context.df.callActivity('x', 2)]);
        const winner = yield context.df.Task.any([work, timer]);
        if (winner === work) timer.cancel();
        const next = yield context.df.callActivity('x', 3);
        return [winner === work, next];
      }),
      { x: (n) => Number(n) * 10 },
    );
    expect(run).toMatchObject({ status: 'Completed', output: [true, 30] });
    // Ids follow the yield, depth first through Task.any's children: the Task.all's two tasks, then the timer.
    expect(scheduledIds(run.history, EventType.TaskScheduled)).toEqual([0, 1, 3]);
    expect(scheduledIds(run.history, EventType.TimerCreated)).toEqual([2]);
  });

  it('delivers external events by name without consuming ids, buffering early ones', async () => {
    const run = await runInMemory(
      orchestrator(function* (context) {
        const first = yield context.df.callActivity('x', 1);
        const approval = yield context.df.waitForExternalEvent('Approval');
        const last = yield context.df.callActivity('x', 2);
        return { first, approval, last };
      }),
      { x: (n) => n },
      { events: [{ name: 'Approval', input: { ok: true }, afterEpisode: 1 }] },
    );
    expect(run).toMatchObject({ status: 'Completed', output: { first: 1, approval: { ok: true }, last: 2 } });
    expect(scheduledIds(run.history, EventType.TaskScheduled)).toEqual([0, 1]);
  });

  it('fails the orchestration with the SDK error message when an activity fails uncaught', async () => {
    const run = await runInMemory(
      orchestrator(function* (context) {
        return yield context.df.callActivity('broken', null);
      }),
      { broken: () => fail('disk full') },
    );
    expect(run.status).toBe('Failed');
    expect(run.output).toContain("Activity function 'broken' failed: disk full");
  });
});

describe('ActionSimulator against a recorded history', () => {
  // A history as the Azure Storage provider records it after one episode of a fan-out of two activities
  // where the first finished; the orchestrator then also asked for a timer.
  const recorded: HistoryEvent[] = [
    { EventType: 12, EventId: -1, IsPlayed: true, Timestamp: '2026-01-01T00:00:00.000Z' },
    { EventType: 0, EventId: -1, IsPlayed: true, Timestamp: '2026-01-01T00:00:00.000Z', Name: 'o' },
    { EventType: 4, EventId: 0, IsPlayed: true, Timestamp: '2026-01-01T00:00:00.000Z', Name: 'a' },
    { EventType: 4, EventId: 1, IsPlayed: true, Timestamp: '2026-01-01T00:00:00.000Z', Name: 'a' },
    { EventType: 13, EventId: -1, IsPlayed: true, Timestamp: '2026-01-01T00:00:00.000Z' },
    { EventType: 12, EventId: -1, IsPlayed: false, Timestamp: '2026-01-01T00:00:05.000Z' },
    {
      EventType: 5,
      EventId: -1,
      IsPlayed: false,
      Timestamp: '2026-01-01T00:00:05.000Z',
      TaskScheduledId: 1,
      Result: '2',
    },
    {
      EventType: 5,
      EventId: -1,
      IsPlayed: false,
      Timestamp: '2026-01-01T00:00:05.000Z',
      TaskScheduledId: 0,
      Result: '1',
    },
  ];

  it('schedules only what is new, with the next id', () => {
    const actions = [
      {
        actionType: 12,
        compoundActions: [
          { actionType: 0, functionName: 'a', input: 1 },
          { actionType: 0, functionName: 'a', input: 2 },
        ],
      },
      { actionType: 5, fireAt: '2026-01-02T00:00:00.000Z', isCanceled: false },
    ];
    const result = new ActionSimulator(actions, 'i', '2026-01-01T00:00:05.000Z').run(recorded);
    expect(result.newWork).toEqual([{ kind: 'timer', id: 2, fireAt: '2026-01-02T00:00:00.000Z' }]);
  });

  it('names unsupported actions instead of hanging', () => {
    const result = new ActionSimulator([{ actionType: 8 }], 'i', '2026-01-01T00:00:00.000Z').run(
      recorded.slice(0, 2),
    );
    expect(result.unsupported).toBe('Durable HTTP calls (callHttp) are not supported by the embedded host.');
  });

  it.each([
    [{ firstRetryIntervalInMilliseconds: 1000, maxNumberOfAttempts: 5 }, 3, 1000],
    [{ firstRetryIntervalInMilliseconds: 1000, maxNumberOfAttempts: 5, backoffCoefficient: 2 }, 3, 4000],
    [
      {
        firstRetryIntervalInMilliseconds: 1000,
        maxNumberOfAttempts: 5,
        backoffCoefficient: 3,
        maxRetryIntervalInMilliseconds: 5000,
      },
      3,
      5000,
    ],
  ])('computes retry delays (%o, failure %i → %i ms)', (options, failures, expected) => {
    expect(retryDelayMs(options, failures)).toBe(expected);
  });
});

function fail(message: string): never {
  throw new Error(message);
}
