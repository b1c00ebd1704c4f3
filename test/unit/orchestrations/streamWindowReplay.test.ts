import { EventType } from '../../../src/host/durable/history/HistoryEvent';
import { streamWindow } from '../../../src/orchestrations/streamWindow';
import {
  windowActivityNames as names,
  type CommitWindowInput,
  type ScoreShardInput,
  type StreamWindowInput,
} from '../../../src/streaming/windows/windowContracts';
import { runInMemory, type Activity } from '../durable/replayHarness';

// streamWindow's own code through the SDK's replay and the backend's episode logic, activities
// simulated: what closes a window, the waves of shards, the one pinned model, and what the commit gets.

const generator = streamWindow as unknown as (context: unknown) => Generator<unknown, unknown, unknown>;
const windowStart = Date.parse('2025-12-31T23:59:50Z');
const input: StreamWindowInput = {
  stream: 'sensors',
  windowStart,
  windowEnd: windowStart + 10_000,
  allowedLatenessMs: 2_000,
  idleTimeoutMs: 30_000,
  maxConcurrency: 2,
};
const pinned = { name: 'vibration', version: 3, sha256: 'ab'.repeat(32) };
const landings = [
  { name: 'sensors/_landing/x/0/1.jsonl', partitionId: '0', firstSequence: 1, lastSequence: 9 },
];

function activities(overrides: Record<string, Activity> = {}) {
  const commits: CommitWindowInput[] = [];
  const shards: ScoreShardInput[] = [];
  const simulated: Record<string, Activity> = {
    [names.close]: () => ({ closedAt: '2026-01-01T00:00:02Z', landings, model: pinned }),
    [names.aggregate]: () => ({ eventsIn: 40, duplicates: 2, keys: 9, shards: 5 }),
    [names.scoreShard]: (raw) => {
      const shard = raw as ScoreShardInput;
      shards.push(shard);
      return { shard: shard.shard, rows: 2, alerts: shard.shard === 1 ? 1 : 0 };
    },
    [names.commit]: (raw) => {
      const commit = raw as CommitWindowInput;
      commits.push(commit);
      const reason = commit.failure ?? commit.close.modelError ?? commit.shards.find((s) => s.error)?.error;
      return { state: reason ? 'Failed' : 'Committed', reason };
    },
    ...overrides,
  };
  return { simulated, commits, shards };
}

/** The activity names in the order their tasks were scheduled, split where the orchestrator yielded. */
function scheduledWaves(history: { EventType: number; Name?: string }[]): string[][] {
  const waves: string[][] = [];
  let current: string[] = [];
  for (const event of history) {
    if (event.EventType === EventType.TaskScheduled) current.push(event.Name ?? '');
    if (event.EventType === EventType.OrchestratorCompleted && current.length > 0) {
      waves.push(current);
      current = [];
    }
  }
  return waves;
}

describe('streamWindow (replayed)', () => {
  it.each(['fifo', 'lifo'] as const)(
    'on "close": closes, aggregates, scores 5 shards in waves of 2 with the one pinned model, commits all (%s)',
    async (order) => {
      const { simulated, commits, shards } = activities();
      const run = await runInMemory(generator, simulated, {
        input,
        order,
        events: [{ name: 'close', input: null, afterEpisode: 1 }],
      });
      expect(run.status).toBe('Completed');
      expect(run.output).toEqual({ state: 'Committed' });
      expect(scheduledWaves(run.history)).toEqual([
        [names.close],
        [names.aggregate],
        [names.scoreShard, names.scoreShard],
        [names.scoreShard, names.scoreShard],
        [names.scoreShard],
        [names.commit],
      ]);
      expect(shards.map((shard) => shard.shard).sort()).toEqual([0, 1, 2, 3, 4]);
      expect(shards.every((shard) => shard.model.version === 3 && shard.stream === 'sensors')).toBe(true);
      expect(commits).toHaveLength(1);
      expect(commits[0]!.shards.map((shard) => shard.shard).sort()).toEqual([0, 1, 2, 3, 4]);
      expect(commits[0]).toMatchObject({
        stream: 'sensors',
        windowStart,
        aggregate: { eventsIn: 40, shards: 5 },
        close: { landings, model: pinned },
      });
      expect(commits[0]!.failure).toBeUndefined();
    },
  );

  it('an idle stream: the durable timer closes the window at max(end + lateness, start) + idle timeout', async () => {
    const { simulated, commits } = activities();
    const run = await runInMemory(generator, simulated, { input });
    expect(run.status).toBe('Completed');
    const timers = run.history.filter((event) => event.EventType === EventType.TimerCreated);
    // Its end + lateness (00:00:02) is after the orchestration's start (00:00:01): 30 s after that.
    expect(timers.map((timer) => timer.FireAt)).toEqual(['2026-01-01T00:00:32.000Z']);
    expect(run.history.some((event) => event.EventType === EventType.TimerFired)).toBe(true);
    expect(commits).toHaveLength(1);
  });

  it('event times in the past: the timer counts the idle timeout from the start', async () => {
    const { simulated } = activities();
    const old = { ...input, windowStart: 0, windowEnd: 10_000 };
    const run = await runInMemory(generator, simulated, { input: old });
    const timers = run.history.filter((event) => event.EventType === EventType.TimerCreated);
    expect(timers.map((timer) => timer.FireAt)).toEqual(['2026-01-01T00:00:31.000Z']);
  });

  it('a re-opened version waits on its timer only (a "close" changes nothing), then runs every step as that version', async () => {
    const { simulated, commits, shards } = activities({
      [names.aggregate]: () => ({ eventsIn: 47, duplicates: 0, keys: 9, shards: 1 }),
    });
    const reopened: StreamWindowInput = { ...input, version: 2, reopenDelayMs: 2_000 };
    const run = await runInMemory(generator, simulated, {
      input: reopened,
      events: [{ name: 'close', input: null, afterEpisode: 1 }],
    });
    expect(run.status).toBe('Completed');
    const timers = run.history.filter((event) => event.EventType === EventType.TimerCreated);
    // Started at 00:00:01: 2 s later, whatever the window's end and idle timeout.
    expect(timers.map((timer) => timer.FireAt)).toEqual(['2026-01-01T00:00:03.000Z']);
    expect(scheduledWaves(run.history)).toEqual([
      [names.close],
      [names.aggregate],
      [names.scoreShard],
      [names.commit],
    ]);
    const scheduled = run.history.filter((event) => event.EventType === EventType.TaskScheduled);
    expect(scheduled.every((event) => JSON.parse(event.Input ?? '{}').version === 2)).toBe(true);
    expect(shards[0]).toMatchObject({ version: 2, shard: 0 });
    expect(commits[0]).toMatchObject({ version: 2, aggregate: { eventsIn: 47 } });
  });

  it('a model that cannot be resolved: nothing aggregated or scored, the commit fails the window with the reason', async () => {
    const reason = 'model vibration cannot score this window: No model named "vibration".';
    const { simulated, commits } = activities({
      [names.close]: () => ({ closedAt: '2026-01-01T00:00:02Z', landings, modelError: reason }),
    });
    const run = await runInMemory(generator, simulated, {
      input,
      events: [{ name: 'close', input: null, afterEpisode: 1 }],
    });
    expect(run.output).toEqual({ state: 'Failed', reason });
    expect(scheduledWaves(run.history)).toEqual([[names.close], [names.commit]]);
    expect(commits[0]!.shards).toEqual([]);
  });

  it('a shard that keeps failing is tried 3 times, then the window is Failed with the reason', async () => {
    const { simulated, commits } = activities({
      [names.aggregate]: () => ({ eventsIn: 4, duplicates: 0, keys: 1, shards: 1 }),
      [names.scoreShard]: () => {
        throw new Error('storage unreachable\n    at somewhere');
      },
    });
    const run = await runInMemory(generator, simulated, {
      input,
      events: [{ name: 'close', input: null, afterEpisode: 1 }],
    });
    expect(run.status).toBe('Completed');
    const attempts = run.history.filter(
      (event) => event.EventType === EventType.TaskScheduled && event.Name === names.scoreShard,
    );
    expect(attempts).toHaveLength(3);
    expect(commits[0]!.failure).toMatch(/^The window stopped on an unexpected error: .*storage unreachable$/);
    expect(run.output).toMatchObject({ state: 'Failed' });
  });
});
