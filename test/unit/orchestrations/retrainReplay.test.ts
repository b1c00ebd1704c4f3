import { EventType } from '../../../src/host/durable/history/HistoryEvent';
import { retrain } from '../../../src/orchestrations/retrain';
import {
  retrainActivityNames as names,
  type PromoteInput,
  type RetrainInput,
  type RunPlan,
  type RunReport,
} from '../../../src/training/retrain/retrainContracts';
import { runInMemory, type Activity } from '../durable/replayHarness';

// retrain's own orchestration code through the durable-functions SDK's replay (the backend's episode
// logic, in memory), with its activities simulated: the steps it takes, the promotion it decides, and
// the report every path ends with.

const generator = retrain as unknown as (context: unknown) => Generator<unknown, unknown, unknown>;
const input: RetrainInput = {
  runId: 'run1',
  model: 'diabetes',
  trigger: 'http',
  overrides: { reason: 'new data' },
};

const plan = {
  runId: 'run1',
  model: 'diabetes',
  trigger: 'http',
  startedAt: '2026-01-01T00:00:01.000Z',
  task: 'regression',
  algorithm: 'ridge',
  features: ['age', 'bmi'],
  target: 'target',
  data: { reference: 'file data/diabetes.csv', snapshot: 'runs/x.csv', sha256: 'ab', rows: 442 },
  holdout: { fraction: 0.2, seed: 7 },
  hyperparameters: {},
  policy: { metric: 'r2', direction: 'higher', minImprovement: 0.01 },
  production: { version: 1, sha256: 'p1' },
  inherited: { tags: {}, retraining: {} },
  checks: { passed: true, checks: [] },
} as unknown as RunPlan;

const candidate = {
  onnxBlob: 'runs/run1/model.onnx',
  sha256: 'c2',
  outputs: ['variable'],
  trainRows: 354,
  holdoutRows: 88,
  incompleteRows: 0,
  hyperparameters: { alpha: 1 },
  trainingMetrics: { r2: 0.52 },
  baseline: {},
};

/** The activities of a run where the candidate's R² on the holdout is `candidateR2` and production's 0.40. */
function activities(
  candidateR2: number,
  promoted: PromoteInput[],
  reports: RunReport[],
): Record<string, Activity> {
  return {
    [names.prepare]: () => ({ ok: true, plan }),
    [names.train]: () => candidate,
    [names.evaluate]: () => ({
      holdoutRows: 88,
      candidate: { r2: candidateR2 },
      production: { version: 1, metrics: { r2: 0.4 } },
    }),
    [names.register]: () => ({ version: 2, sha256: 'c2' }),
    [names.promote]: (raw) => {
      promoted.push(raw as PromoteInput);
      return { promoted: true, reason: (raw as PromoteInput).reason, productionVersion: 2 };
    },
    [names.finish]: (raw) => {
      const report = raw as RunReport;
      reports.push(report);
      return {
        runId: report.runId,
        model: report.model,
        status: report.status,
        decision: report.decision,
        report: 'r.json',
      };
    },
  };
}

const scheduled = (history: { EventType: number; Name?: string }[]) =>
  history.filter((event) => event.EventType === EventType.TaskScheduled).map((event) => event.Name);

describe('retrain (replayed)', () => {
  it('promotes a better candidate: every step once, promote with the expected production, report Promoted', async () => {
    const promoted: PromoteInput[] = [];
    const reports: RunReport[] = [];
    const run = await runInMemory(generator, activities(0.5, promoted, reports), { input });
    expect(run.status).toBe('Completed');
    expect(scheduled(run.history)).toEqual([
      names.prepare,
      names.train,
      names.evaluate,
      names.register,
      names.promote,
      names.finish,
    ]);
    expect(promoted).toEqual([
      {
        runId: 'run1',
        model: 'diabetes',
        version: 2,
        expectedProduction: 1,
        reason: expect.stringMatching(/0\.5/) as unknown,
      },
    ]);
    expect(reports[0]).toMatchObject({
      status: 'Promoted',
      trigger: 'http',
      requestReason: 'new data',
      candidate: { version: 2, sha256: 'c2', metrics: { r2: 0.5 }, hyperparameters: { alpha: 1 } },
      production: { version: 1, metrics: { r2: 0.4 }, sha256: 'p1' },
      productionVersion: 2,
    });
    // The run's start time comes from the orchestration's replay clock, the same on every replay.
    expect(reports[0]?.startedAt).toBe(
      run.history.find((e) => e.EventType === EventType.OrchestratorStarted)?.Timestamp,
    );
  });

  it('registers but does not promote a candidate that is not better enough; the report says why', async () => {
    const promoted: PromoteInput[] = [];
    const reports: RunReport[] = [];
    const run = await runInMemory(generator, activities(0.405, promoted, reports), { input });
    expect(scheduled(run.history)).not.toContain(names.promote);
    expect(promoted).toEqual([]);
    expect(reports[0]).toMatchObject({
      status: 'NotPromoted',
      productionVersion: 1,
      candidate: { version: 2 },
    });
    expect(reports[0]?.decision).toMatch(/^Not promoted/);
  });

  it('stops before training when preparation says so, reporting the checks', async () => {
    const reports: RunReport[] = [];
    const run = await runInMemory(
      generator,
      {
        ...activities(0.5, [], reports),
        [names.prepare]: () => ({
          ok: false,
          reason: 'Data checks failed: bmi is missing.',
          checks: { passed: false, checks: [] },
        }),
      },
      { input },
    );
    expect(scheduled(run.history)).toEqual([names.prepare, names.finish]);
    expect(reports[0]).toMatchObject({ status: 'Stopped', decision: 'Data checks failed: bmi is missing.' });
  });

  it('ends in a Failed report when an activity fails outright', async () => {
    const reports: RunReport[] = [];
    await runInMemory(
      generator,
      {
        ...activities(0.5, [], reports),
        [names.train]: () => {
          throw new Error('worker pool closed');
        },
      },
      { input },
    );
    expect(reports[0]).toMatchObject({
      status: 'Failed',
      decision:
        "The run stopped on an unexpected error: Activity function 'trainCandidate' failed: worker pool closed",
    });
  });
});
