import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ModelRegistry } from '../../src/models/registry/ModelRegistry';
import { testInspector } from '../unit/models/registryTestKit';
import { TrainingRunStore, type TrainingRunRecord } from '../../src/training/retrain/TrainingRunStore';
import { ScoringHarness } from '../support/scoringHarness';
import { uniqueName } from '../support/testStorage';

// The retraining timer on the real host, its schedule overridden to every two seconds: it starts a run
// for the bundled diabetes model, whose card declares data/diabetes.csv as its training source.

const registryTable = uniqueName('models');
const registryContainer = uniqueName('models');
const runsTable = uniqueName('runs');
const runsContainer = uniqueName('runs');
const harness = new ScoringHarness({
  RETRAIN_SCHEDULE: '*/2 * * * * *',
  // The harness turns the nightly timer off for the scoring tests; this test is about it.
  'AzureWebJobs.retrainOnSchedule.Disabled': 'false',
  MODEL_REGISTRY_TABLE: registryTable,
  MODEL_REGISTRY_CONTAINER: registryContainer,
  RETRAIN_RUNS_TABLE: runsTable,
  RETRAIN_RUNS_CONTAINER: runsContainer,
});
const runs = new TrainingRunStore(harness.storage, { table: runsTable, container: runsContainer });
const registry = new ModelRegistry({
  storage: harness.storage,
  table: registryTable,
  container: registryContainer,
  inspector: testInspector(),
});

afterAll(async () => {
  await harness.host?.stop();
});

async function firstFinishedRun(timeoutMs = 60_000): Promise<TrainingRunRecord> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const finished = (await runs.list('diabetes')).filter((run) => run.status !== 'Running');
    const first = finished.at(-1);
    if (first) return first;
    if (Date.now() > deadline)
      throw new Error(`No finished run after ${timeoutMs} ms.\n${harness.host.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

it('the timer starts a run per model declaring a training source, one id per schedule occurrence', async () => {
  await harness.start();
  expect(harness.host.output()).toMatch(/retrainOnSchedule: timer: \*\/2 \* \* \* \* \*/);
  const run = await firstFinishedRun();
  await harness.host.stop();

  expect(run.trigger).toBe('schedule');
  const match = /^diabetes-scheduled-(\d{8}T\d{6}Z)$/.exec(run.runId);
  expect(match).not.toBeNull();
  // The id names the occurrence: an even second, as the schedule says.
  expect(Number(match![1]!.slice(13, 15)) % 2).toBe(0);
  expect(harness.host.output()).toContain(`started ${run.runId}`);
  expect(run.dataReference).toBe('file data/diabetes.csv');
  expect(run.dataSha256).toBe(createHash('sha256').update(readFileSync('data/diabetes.csv')).digest('hex'));

  // The bundled model was registered as version 1 (production); the run registered its candidate.
  const seeded = await registry.version('diabetes@1');
  expect(seeded.sha256).toBe(
    createHash('sha256').update(readFileSync('models/diabetes/model.onnx')).digest('hex'),
  );
  const candidate = await registry.version({ name: 'diabetes', tags: { trainingRun: run.runId } });
  expect(candidate.version).toBe(run.candidateVersion);
  expect(candidate.parentVersion).toBe(1);
  const report = await runs.report('diabetes', run.runId);
  expect(report?.policy).toEqual({ metric: 'r2', direction: 'higher', minImprovement: 0.005, floor: 0.3 });
  expect(report?.status).toBe(run.status);
  expect(report?.production?.version).toBe(1);
});
