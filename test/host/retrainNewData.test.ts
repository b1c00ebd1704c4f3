import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ModelRegistry } from '../../src/models/registry/ModelRegistry';
import type {
  NewDataCheckRecord,
  NewDataCheckReport,
} from '../../src/training/retrain/newData/DataCheckStore';
import type { NewTrainingDataOutcome } from '../../src/training/retrain/newData/newDataContracts';
import type { RunReport } from '../../src/training/retrain/retrainContracts';
import type { TrainingRunRecord } from '../../src/training/retrain/TrainingRunStore';
import { testInspector } from '../unit/models/registryTestKit';
import { ScoringHarness } from '../support/scoringHarness';
import { hostSecrets, uniqueName } from '../support/testStorage';

// New training data through the real host: blobs uploaded in a burst to the training-data container
// start one data check and one `data` retraining run on all of them; a burst with a bad file leaves a
// failed check and starts no run. The quiet period is 3 s.

const quietSeconds = 3;
const features = ['age', 'sex', 'bmi', 'bp', 's1', 's2', 's3', 's4', 's5', 's6'];
const [header, ...rows] = readFileSync('test/fixtures/data/diabetes.csv', 'utf8').trimEnd().split('\n');
const trainingContainer = uniqueName('newdata');
const registryTable = uniqueName('models');
const registryContainer = uniqueName('models');
const harness = new ScoringHarness({
  MODEL_REGISTRY_TABLE: registryTable,
  MODEL_REGISTRY_CONTAINER: registryContainer,
  RETRAIN_RUNS_TABLE: uniqueName('runs'),
  RETRAIN_RUNS_CONTAINER: uniqueName('runs'),
  TRAINING_DATA_CONTAINER: trainingContainer,
  TRAINING_DATA_CHECKS_TABLE: uniqueName('checks'),
  TRAINING_DATA_QUIET_SECONDS: String(quietSeconds),
});
const registry = new ModelRegistry({
  storage: harness.storage,
  table: registryTable,
  container: registryContainer,
  inspector: testInspector(),
});
let masterKey: string;

beforeAll(async () => {
  await harness.start();
  masterKey = (await hostSecrets(harness.host.hostId)).masterKey.value;
  await harness.storage.ensureContainer(trainingContainer);
  for (const name of ['burst', 'strict']) {
    const card = {
      features,
      outputs: ['variable'],
      task: 'regression',
      tags: { algorithm: 'ridge' },
      training: { data: 'hand-made', target: 'target' },
      retraining: { source: { blobPrefix: `${trainingContainer}/${name}/` } },
    };
    const onnx = readFileSync('models/diabetes/model.onnx');
    const registered = await registry.register({ name, onnx, card, producer: 'tests' });
    await registry.setStage(name, registered.version, 'Production', { by: 'tests', reason: 'first' });
  }
}, 60_000);

afterAll(async () => {
  await harness.host?.stop();
});

async function api<T>(path: string): Promise<T> {
  const url = path.startsWith('../') ? path.slice(2) : `/api/${path}`;
  const response = await harness.host.fetch(url, { headers: { 'x-functions-key': masterKey } });
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}

/** Polls until `found` returns something, at most 60 s. */
async function eventually<T>(what: string, found: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const value = await found();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`No ${what} after 60 s.\n${harness.host.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function upload(name: string, text: string) {
  return harness.storage.container(trainingContainer).getBlockBlobClient(name).uploadData(Buffer.from(text));
}

const csv = (lines: readonly string[]) => `${lines.join('\n')}\n`;

it('a burst of files starts one check and exactly one run on all of them; a bad file starts none', async () => {
  const parts = [0, 1, 2, 3, 4].map((i) => rows.slice(i * 90, (i + 1) * 90));
  const burst = parts.map((_, i) => `burst/part-${i + 1}.csv`);
  const missingBmi = (line: string) =>
    line
      .split(',')
      .filter((_, at) => at !== 2)
      .join(',');
  await Promise.all([
    ...burst.map((name, i) => upload(name, csv([header!, ...parts[i]!]))),
    upload('strict/a-good.csv', csv([header!, ...rows.slice(0, 200)])),
    upload('strict/b-bad.csv', csv([header!, ...rows.slice(200, 300)].map(missingBmi))),
  ]);

  const run = await eventually('finished run', async () => {
    const runs = await api<TrainingRunRecord[]>('models/burst/runs');
    return runs.find((candidate) => candidate.status !== 'Running');
  });
  const failedCheck = await eventually('data check of strict', async () => {
    const checks = await api<NewDataCheckRecord[]>('models/strict/data-checks');
    return checks[0];
  });
  // One new-data orchestration per blob, all ended; one collector per model: no run can follow.
  const ended = await eventually('end of the new-data orchestrations', async () => {
    const instances = await api<{ runtimeStatus: string; output: NewTrainingDataOutcome }[]>(
      '../runtime/webhooks/durabletask/instances?instanceIdPrefix=newdata-',
    );
    const done = instances.length === 7 && instances.every((one) => one.runtimeStatus === 'Completed');
    return done ? instances : undefined;
  });
  expect(
    ended
      .filter((one) => one.output.collected)
      .map((one) => one.output.model)
      .sort(),
  ).toEqual(['burst', 'strict']);

  const runs = await api<TrainingRunRecord[]>('models/burst/runs');
  expect(runs.map((listed) => listed.runId)).toEqual([run.runId]);
  expect(run.trigger).toBe('data');
  const view = await api<TrainingRunRecord & { report: RunReport }>(`models/burst/runs/${run.runId}`);
  const blobs = burst.map((name) => `${trainingContainer}/${name}`);
  expect([...view.report.newData!.blobs].sort()).toEqual(blobs);
  expect(view.report.newData!.check).toBe(run.runId);
  const sha256 = createHash('sha256')
    .update(csv([header!, ...parts.flat()]))
    .digest('hex');
  expect(view.report.data).toMatchObject({
    reference: `blobs ${trainingContainer}/burst/*.csv`,
    sha256,
    rows: rows.length,
  });
  expect(['Promoted', 'NotPromoted']).toContain(view.report.status);

  const checks = await api<NewDataCheckRecord[]>('models/burst/data-checks');
  expect(checks).toHaveLength(1);
  expect(checks[0]).toMatchObject({
    checkId: run.runId,
    status: 'Passed',
    runId: run.runId,
    dataSha256: sha256,
  });

  expect(failedCheck).toMatchObject({ status: 'Failed', blobCount: 2 });
  expect(failedCheck.runId).toBeUndefined();
  const detail = await api<NewDataCheckRecord & { report: NewDataCheckReport }>(
    `models/strict/data-checks/${failedCheck.checkId}`,
  );
  const badFile = `${trainingContainer}/strict/b-bad.csv`;
  expect(detail.report.checks).toEqual([
    expect.objectContaining({ check: 'schema', status: 'failed', file: badFile, column: 'bmi' }),
  ]);
  expect(detail.report.decision).toContain(`${badFile} has no column "bmi"`);
  expect(await api<NewDataCheckRecord[]>('models/strict/data-checks')).toHaveLength(1);
  expect(await api<TrainingRunRecord[]>('models/strict/runs')).toEqual([]);
}, 120_000);
