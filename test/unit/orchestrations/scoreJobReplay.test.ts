import { EventType } from '../../../src/host/durable/history/HistoryEvent';
import { scoreJob } from '../../../src/orchestrations/scoreJob';
import {
  scoringActivityNames as names,
  type CommitInput,
  type JobPlan,
  type PartitionResult,
  type ScoreJobInput,
  type ScorePartitionInput,
} from '../../../src/scoring/jobContracts';
import type { ResolvedJobSpec } from '../../../src/scoring/resolveJobSpec';
import { runInMemory } from '../durable/replayHarness';

// scoreJob's own orchestration code through the durable-functions SDK's replay (the backend's episode
// logic, in memory), with its activities simulated: what it schedules, in which waves, and what the
// commit and the job's outcome receive.

const generator = scoreJob as unknown as (context: unknown) => Generator<unknown, unknown, unknown>;

const spec: ResolvedJobSpec = {
  input: { container: 'input', blob: 'data.csv', format: 'csv', delimiter: ',' },
  model: { kind: 'single', ref: { name: 'diabetes' } },
  output: { container: 'output', prefix: 'job1', format: 'csv', passThrough: [], summaryOnly: false },
  partitionBytes: 65536,
  maxConcurrency: 2,
  errorThreshold: { maxBadRows: -1, maxFailedPartitions: 0 },
  retry: { maxAttempts: 3, firstRetryIntervalMs: 1000 },
};
const input: ScoreJobInput = { jobId: 'job1', spec, source: 'http' };

function planWith(partitions: number, maxConcurrency: number) {
  const plan = { jobId: 'job1', maxConcurrency } as JobPlan;
  return {
    ok: true,
    plan,
    partitions: Array.from({ length: partitions }, (_, index) => ({
      index,
      start: index * 100,
      end: index * 100 + 100,
      firstRow: index * 10 + 1,
      rows: 10,
    })),
  };
}

const scored = (raw: unknown): PartitionResult => {
  const { partition } = raw as ScorePartitionInput;
  return {
    index: partition.index,
    firstRow: partition.firstRow,
    rows: partition.rows,
    scoredRows: partition.rows - (partition.index === 3 ? 1 : 0),
    badRows: partition.index === 3 ? 1 : 0,
    outputBytes: 50,
    errorBytes: partition.index === 3 ? 20 : 0,
    attempts: 1,
    durationMs: 5,
  };
};

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

describe('scoreJob (replayed)', () => {
  it.each(['fifo', 'lifo'] as const)(
    'prepares, scores 5 partitions in waves of maxConcurrency and commits every result in partition order (%s completions)',
    async (order) => {
      let committed: CommitInput | undefined;
      const run = await runInMemory(
        generator,
        {
          [names.prepare]: () => planWith(5, 2),
          [names.scorePartition]: scored,
          [names.commit]: (raw) => {
            committed = raw as CommitInput;
            return { jobId: 'job1', status: 'Succeeded', manifest: 'output/job1/_manifest.json' };
          },
        },
        { input, order },
      );
      expect(run.status).toBe('Completed');
      expect(run.output).toEqual({
        jobId: 'job1',
        status: 'Succeeded',
        manifest: 'output/job1/_manifest.json',
      });
      expect(scheduledWaves(run.history)).toEqual([
        [names.prepare],
        [names.scorePartition, names.scorePartition],
        [names.scorePartition, names.scorePartition],
        [names.scorePartition],
        [names.commit],
      ]);
      expect(committed?.results.map((result) => result.index)).toEqual([0, 1, 2, 3, 4]);
      expect(committed?.results[3]).toMatchObject({ badRows: 1, errorBytes: 20 });
      expect(committed?.partitions).toHaveLength(5);
    },
  );

  it('ends a job whose preparation found a problem through failScoreJob, with the reason and nothing scored', async () => {
    const failed: unknown[] = [];
    const run = await runInMemory(
      generator,
      {
        [names.prepare]: () => ({ ok: false, reason: 'Input input/data.csv does not exist.' }),
        [names.fail]: (raw) => {
          failed.push(raw);
          return { jobId: 'job1', status: 'Failed', reason: (raw as { reason: string }).reason };
        },
      },
      { input },
    );
    expect(run.output).toEqual({
      jobId: 'job1',
      status: 'Failed',
      reason: 'Input input/data.csv does not exist.',
    });
    expect(failed).toEqual([{ jobId: 'job1', reason: 'Input input/data.csv does not exist.' }]);
    expect(scheduledWaves(run.history)).toEqual([[names.prepare], [names.fail]]);
  });

  it('ends the job with the reason when an activity fails outright, instead of leaving it Running', async () => {
    const run = await runInMemory(
      generator,
      {
        [names.prepare]: () => planWith(2, 8),
        [names.scorePartition]: () => {
          throw new Error('table storage unreachable\n    at somewhere');
        },
        [names.fail]: (raw) => ({
          jobId: 'job1',
          status: 'Failed',
          reason: (raw as { reason: string }).reason,
        }),
      },
      { input },
    );
    expect(run.output).toEqual({
      jobId: 'job1',
      status: 'Failed',
      reason:
        "The job stopped on an unexpected error: Activity function 'scorePartition' failed: table storage unreachable",
    });
  });

  it.each([[{}], [null], [{ jobId: 'x' }]])(
    'started without a job (%j, as through the Durable HTTP API) ends Failed at once, scheduling nothing',
    async (startInput) => {
      const run = await runInMemory(generator, {}, { input: startInput });
      expect(run.status).toBe('Completed');
      expect(run.output).toMatchObject({
        status: 'Failed',
        reason: expect.stringMatching(/^scoreJob needs/) as unknown,
      });
      expect(scheduledWaves(run.history)).toEqual([]);
    },
  );
});
