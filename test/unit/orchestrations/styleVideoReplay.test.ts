import { EventType } from '../../../src/host/durable/history/HistoryEvent';
import { workEventName, type WorkItem, type WorkResult } from '../../../src/dispatch/workContracts';
import { styleVideo } from '../../../src/orchestrations/styleVideo';
import {
  videoActivityNames as names,
  type AssembleVideoInput,
  type DispatchVideoWorkInput,
  type FinishVideoInput,
  type StyleVideoInput,
} from '../../../src/video/job/videoJobContracts';
import { runInMemory, type Activity } from '../durable/replayHarness';

// styleVideo and runWorkUnits through the SDK's replay and the backend's episode logic: the simulated
// dispatcher answers each work item with a result event (or not, for a timeout), as the results queue
// function does.

const generator = styleVideo as unknown as (context: unknown) => Generator<unknown, unknown, unknown>;
const input: StyleVideoInput = {
  jobId: 'v1',
  source: { container: 'videos', blob: 'clip.mp4' },
  model: 'candy@production',
  outputContainer: 'output',
  outputCodec: 'h264',
  batchFrames: 4,
  maxInFlight: 2,
  unitTimeoutSeconds: 60,
  maxAttempts: 3,
};
const prepared = {
  frames: 10,
  frameRate: { numerator: 2, denominator: 1 },
  width: 64,
  height: 48,
  durationSeconds: 5,
  audioCodec: 'aac',
  model: { name: 'candy', version: 1, sha256: 'ab'.repeat(32) },
  workContainer: 'video-work',
};

type Answer = 'succeeded' | 'failed' | 'silent';

function simulate(answer: (item: WorkItem) => Answer = () => 'succeeded') {
  const dispatched: WorkItem[] = [];
  const assembled: AssembleVideoInput[] = [];
  const finished: FinishVideoInput[] = [];
  const activities: Record<string, Activity> = {
    [names.prepare]: () => prepared,
    [names.dispatch]: (raw, _attempt, raise) => {
      for (const item of (raw as DispatchVideoWorkInput).items) {
        dispatched.push(item);
        const status = answer(item);
        if (status === 'silent') continue;
        const result: WorkResult = {
          ...item,
          status,
          error: status === 'failed' ? 'worker lost its GPU' : undefined,
          executionProvider: 'cpu',
          ranOn: `local process ${100 + dispatched.length}`,
          startedAt: '2026-01-01T00:00:00Z',
          finishedAt: '2026-01-01T00:00:01Z',
        };
        raise(workEventName(item.itemId), result);
      }
      return null;
    },
    [names.assemble]: (raw) => {
      assembled.push(raw as AssembleVideoInput);
      return { output: 'output/clip.styled.mp4', manifest: 'output/clip.styled.manifest.json' };
    },
    [names.finish]: (raw) => {
      finished.push(raw as FinishVideoInput);
      return null;
    },
  };
  return { activities, dispatched, assembled, finished };
}

describe('styleVideo (replayed)', () => {
  it.each(['fifo', 'lifo'] as const)(
    'styles 10 frames as 3 units in waves of 2, then assembles them in frame order (%s)',
    async (order) => {
      const sim = simulate();
      const run = await runInMemory(generator, sim.activities, { input, order });
      expect(run.status).toBe('Completed');
      expect(run.output).toEqual({
        state: 'Succeeded',
        output: 'output/clip.styled.mp4',
        manifest: 'output/clip.styled.manifest.json',
      });
      expect(sim.dispatched.map((item) => [item.itemId, item.instanceId])).toEqual([
        ['v1.frames-000001-000004.a1', 'test-instance'],
        ['v1.frames-000005-000008.a1', 'test-instance'],
        ['v1.frames-000009-000010.a1', 'test-instance'],
      ]);
      const dispatchBatches = run.history.filter(
        (event) => event.EventType === EventType.TaskScheduled && event.Name === names.dispatch,
      );
      expect(dispatchBatches.length).toBe(2);
      const units = sim.assembled[0]!.units.map((u) => [u.unit, u.first, u.last, u.attempts]);
      expect(units.sort()).toEqual([
        ['frames-000001-000004', 1, 4, 1],
        ['frames-000005-000008', 5, 8, 1],
        ['frames-000009-000010', 9, 10, 1],
      ]);
      expect(sim.dispatched[2]!.payload).toMatchObject({ first: 9, last: 10, framesPrefix: 'v1/frames/' });
      expect(sim.finished).toEqual([
        {
          jobId: 'v1',
          state: 'Succeeded',
          assembled: { output: 'output/clip.styled.mp4', manifest: 'output/clip.styled.manifest.json' },
        },
      ]);
    },
  );

  it('a unit whose worker never answers is tried again after its timer, with a new item id', async () => {
    const sim = simulate((item) =>
      item.unit === 'frames-000005-000008' && item.attempt === 1 ? 'silent' : 'succeeded',
    );
    const run = await runInMemory(generator, sim.activities, { input });
    expect(run.output).toMatchObject({ state: 'Succeeded' });
    expect(sim.dispatched.map((item) => item.itemId)).toContain('v1.frames-000005-000008.a2');
    const retried = sim.assembled[0]!.units.find((u) => u.unit === 'frames-000005-000008')!;
    expect(retried.attempts).toBe(2);
    // The second attempt goes out only once the first one's timer (60 s) fired.
    const dispatches = run.history.filter(
      (event) => event.EventType === EventType.TaskScheduled && event.Name === names.dispatch,
    );
    const waited = Date.parse(dispatches.at(-1)!.Timestamp) - Date.parse(dispatches[0]!.Timestamp);
    expect(waited).toBeGreaterThanOrEqual(60_000);
    expect(sim.dispatched.map((item) => item.itemId).slice(2)).toEqual([
      'v1.frames-000005-000008.a2',
      'v1.frames-000009-000010.a1',
    ]);
  });

  it('results arriving one per episode, after the wave was dispatched, complete the wave', async () => {
    const late = ['v1.frames-000001-000004.a1', 'v1.frames-000005-000008.a1'];
    const sim = simulate((item) => (late.includes(item.itemId) ? 'silent' : 'succeeded'));
    const result = (itemId: string, unit: string) => ({
      itemId,
      jobId: 'v1',
      unit,
      attempt: 1,
      instanceId: 'test-instance',
      kind: 'styleFrames',
      status: 'succeeded',
      executionProvider: 'cpu',
      ranOn: 'local process 7',
      startedAt: '2026-01-01T00:00:00Z',
      finishedAt: '2026-01-01T00:00:01Z',
    });
    const run = await runInMemory(generator, sim.activities, {
      input,
      events: [
        { name: workEventName(late[1]!), input: result(late[1]!, 'frames-000005-000008'), afterEpisode: 3 },
        { name: workEventName(late[0]!), input: result(late[0]!, 'frames-000001-000004'), afterEpisode: 4 },
      ],
    });
    expect(run.output).toMatchObject({ state: 'Succeeded' });
    expect(sim.assembled[0]!.units.map((u) => [u.unit, u.attempts]).sort()).toEqual([
      ['frames-000001-000004', 1],
      ['frames-000005-000008', 1],
      ['frames-000009-000010', 1],
    ]);
  });

  it('a unit that fails on every attempt fails the job, naming the frames and the reason', async () => {
    const sim = simulate((item) => (item.unit === 'frames-000009-000010' ? 'failed' : 'succeeded'));
    const run = await runInMemory(generator, sim.activities, { input });
    expect(run.output).toEqual({
      state: 'Failed',
      reason:
        'Frames 000009-000010 failed after 3 attempt(s): frames-000009-000010 failed on attempt 3 (local process 105): worker lost its GPU',
    });
    expect(sim.dispatched.filter((item) => item.unit === 'frames-000009-000010').length).toBe(3);
    expect(sim.assembled).toEqual([]);
    expect(sim.finished[0]).toMatchObject({ state: 'Failed' });
  });

  it('a video prepare refuses ends Failed with its reason, dispatching nothing', async () => {
    const sim = simulate();
    sim.activities[names.prepare] = () => ({ error: 'videos/clip.mp4 is not a video ffmpeg can read.' });
    const run = await runInMemory(generator, sim.activities, { input });
    expect(run.output).toEqual({
      state: 'Failed',
      reason: 'videos/clip.mp4 is not a video ffmpeg can read.',
    });
    expect(sim.dispatched).toEqual([]);
  });
});
