import { trainMany } from '../../../../src/orchestrations/trainMany';
import {
  trainManyActivityNames as names,
  trainManyChunkOrchestrator,
  type ChunkResult,
  type TrainChunkInput,
  type TrainManyInput,
} from '../../../../src/manyModels/training/trainManyContracts';
import { runInMemory } from '../../durable/replayHarness';

// trainMany's own orchestration code through the durable-functions SDK's replay (the backend's episode
// logic, in memory), with its activities and chunk sub-orchestrations simulated.

const keys = ['a', 'b', 'c', 'd', 'e', 'f'].map((store) => ({
  key: { Store: store },
  path: `Store=${store}.csv`,
}));
const input: TrainManyInput = {
  runId: 'run1',
  model: 'sales',
  dataset: { container: 'data', prefix: 'sales' },
  training: { time: 'week', target: 'sales' },
  fanOut: { keysPerChunk: 2, keysPerActivity: 1, concurrency: 1, maxAttempts: 3, retryIntervalMs: 10 },
};
const generator = trainMany as unknown as (context: unknown) => Generator<unknown, unknown, unknown>;

/** A chunk that trains its keys, or throws (a failed sub-orchestration) when it holds `Store=c`. */
function chunk(raw: unknown): ChunkResult {
  const { partitions } = raw as TrainChunkInput;
  if (partitions.some((p) => p.path === 'Store=c.csv')) throw new Error('chunk orchestration crashed');
  return {
    trained: partitions.map((p, i) => ({
      ...p,
      version: i + 1,
      existing: false,
      metrics: { r2: 0.5 },
      alpha: 1,
      trainRows: 10,
      holdoutRows: 2,
      droppedRows: 0,
      attempts: 1,
      durationMs: 5,
    })),
    failed: [],
  };
}

const activities = {
  [names.list]: () => ({ ok: true, keyColumns: ['Store'], partitions: keys }),
  // The report as finishTrainMany receives it.
  [names.finish]: (report: unknown) => report,
};

describe('trainMany (replayed)', () => {
  it('reports the keys of a chunk that failed as a whole, and keeps the other chunks', async () => {
    const run = await runInMemory(generator, activities, {
      input,
      children: { [trainManyChunkOrchestrator]: chunk },
    });
    expect(run.status).toBe('Completed');
    const report = run.output as { trained: { path: string }[]; failed: unknown[]; chunks: number };
    expect(report.chunks).toBe(3);
    expect(report.trained.map((k) => k.path)).toEqual([
      'Store=a.csv',
      'Store=b.csv',
      'Store=e.csv',
      'Store=f.csv',
    ]);
    expect(report.failed).toEqual(
      ['c', 'd'].map((store) => ({
        key: { Store: store },
        path: `Store=${store}.csv`,
        reason: expect.stringMatching(
          /^Its chunk of 2 keys failed: .*chunk orchestration crashed/,
        ) as unknown,
        retryable: true,
        attempts: 0,
      })),
    );
  });

  it('gathers every chunk when none fails', async () => {
    const run = await runInMemory(generator, activities, {
      input: { ...input, fanOut: { ...input.fanOut, keysPerChunk: 4 } },
      children: {
        [trainManyChunkOrchestrator]: (raw) =>
          chunk({
            ...(raw as TrainChunkInput),
            partitions: (raw as TrainChunkInput).partitions.filter((p) => p.path !== 'Store=c.csv'),
          }),
      },
    });
    const report = run.output as { trained: { path: string }[]; failed: unknown[]; chunks: number };
    expect(report).toMatchObject({ chunks: 2, failed: [] });
    expect(report.trained).toHaveLength(5);
  });

  it('with a policy, gates the trained keys after training and reports the decisions', async () => {
    const policy = { metric: 'r2' as const, direction: 'higher' as const, minImprovement: 0, floor: 0.4 };
    const seen: unknown[] = [];
    const children = {
      [trainManyChunkOrchestrator]: (raw: unknown) =>
        chunk({
          ...(raw as TrainChunkInput),
          partitions: (raw as TrainChunkInput).partitions.filter((p) => p.path !== 'Store=c.csv'),
        }),
    };
    const gated = await runInMemory(
      generator,
      {
        ...activities,
        [names.promote]: (raw: unknown) => {
          seen.push(raw);
          return { policy, compared: 'x', promoted: 5, notPromoted: 0, keys: [] };
        },
      },
      { input: { ...input, policy }, children },
    );
    expect(seen).toEqual([
      expect.objectContaining({ runId: 'run1', model: 'sales', keyColumns: ['Store'], policy }),
    ]);
    expect((seen[0] as { trained: unknown[] }).trained[0]).toEqual({
      key: { Store: 'a' },
      version: 1,
      metrics: { r2: 0.5 },
    });
    expect(gated.output).toMatchObject({ promotion: { promoted: 5 } });

    // A gate that fails as a whole is reported; the run still completes with its trained keys.
    const failing = await runInMemory(
      generator,
      {
        ...activities,
        [names.promote]: () => {
          throw new Error('registry unreachable');
        },
      },
      { input: { ...input, policy }, children },
    );
    expect(failing.status).toBe('Completed');
    expect(failing.output).toMatchObject({
      trained: expect.any(Array) as unknown,
      promotion: {
        promoted: 0,
        notPromoted: 5,
        keys: [],
        error: expect.stringContaining('registry unreachable'),
      },
    });
  });
});
