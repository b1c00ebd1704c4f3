import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ModelRegistry } from '../../src/models/registry/ModelRegistry';
import { testInspector } from '../unit/models/registryTestKit';
import { predictLinear } from '../../src/training/fitRidge';
import { linearModelToOnnx } from '../../src/training/linearModelToOnnx';
import { r2Score } from '../../src/training/metrics';
import { readNumericTable } from '../../src/training/readNumericTable';
import type { RunReport } from '../../src/training/retrain/retrainContracts';
import type { TrainingRunRecord } from '../../src/training/retrain/TrainingRunStore';
import { splitHoldout } from '../../src/training/splitHoldout';
import { trainRidge } from '../../src/training/trainRidge';
import { designMatrix, numericColumn, selectRows } from '../../src/training/TrainingTable';
import { ScoringHarness } from '../support/scoringHarness';
import { hostSecrets, uniqueName } from '../support/testStorage';

// The retrain orchestration through the real host: POST /api/models/{name}/retrain, the run's report,
// and what it did to the registry. The host gets a registry, runs table and container of its own.

const features = ['age', 'sex', 'bmi', 'bp', 's1', 's2', 's3', 's4', 's5', 's6'];
const diabetesCsv = readFileSync('test/fixtures/data/diabetes.csv', 'utf8');
const diabetesOnnx = readFileSync('models/diabetes/model.onnx');
const registryTable = uniqueName('models');
const registryContainer = uniqueName('models');
const runsTable = uniqueName('runs');
const trainingContainer = uniqueName('train');
const harness = new ScoringHarness({
  MODEL_REGISTRY_TABLE: registryTable,
  MODEL_REGISTRY_CONTAINER: registryContainer,
  RETRAIN_RUNS_TABLE: runsTable,
  RETRAIN_RUNS_CONTAINER: uniqueName('runs'),
  DATA_READ_CONTAINERS: trainingContainer,
  'AzureWebJobs.retrainOnSchedule.Disabled': 'true',
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
});

afterAll(async () => {
  await harness.host?.stop();
});

function api(path: string, init: RequestInit = {}): Promise<Response> {
  return harness.host.fetch(`/api/${path}`, {
    ...init,
    headers: { 'x-functions-key': masterKey, 'content-type': 'application/json', ...init.headers },
  });
}

async function uploadTraining(name: string, text: string): Promise<string> {
  await harness.storage.container(trainingContainer).getBlockBlobClient(name).uploadData(Buffer.from(text));
  return `${trainingContainer}/${name}`;
}

/** Registers a model in Production whose card declares the given training blob. */
async function registerProduction(name: string, onnx: Buffer, retraining: Record<string, unknown>) {
  const card = {
    features,
    outputs: ['variable'],
    task: 'regression',
    tags: { algorithm: 'ridge', owner: 'tests' },
    training: { data: 'hand-made', target: 'target' },
    retraining,
  };
  const registered = await registry.register({ name, onnx, card, producer: 'retrain tests' });
  await registry.setStage(name, registered.version, 'Production', { by: 'tests', reason: 'first model' });
  return registered.version;
}

type RunView = TrainingRunRecord & { report?: RunReport; runtimeStatus?: string };

/** Starts a run over HTTP and polls GET of its URL until it has ended. */
async function retrainAndWait(name: string, body: unknown = {}): Promise<RunView> {
  const response = await api(`models/${name}/retrain`, { method: 'POST', body: JSON.stringify(body) });
  expect(response.status).toBe(202);
  const started = (await response.json()) as { runId: string; statusUrl: string };
  expect(response.headers.get('location')).toBe(started.statusUrl);
  expect(started.statusUrl).toBe(`${harness.host.baseUrl}/api/models/${name}/runs/${started.runId}`);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const run = (await (await api(`models/${name}/runs/${started.runId}`)).json()) as RunView;
    if (run.status !== 'Running' && run.runtimeStatus === 'Completed') return run;
    if (Date.now() > deadline)
      throw new Error(`Run ${started.runId}: ${JSON.stringify(run)}\n${harness.host.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('a candidate better than production', () => {
  let run: RunView;
  let source: string;

  beforeAll(async () => {
    source = await uploadTraining('poor.csv', diabetesCsv);
    // A deliberately poor production model: it predicts 0 for everyone.
    const zeros = Buffer.from(linearModelToOnnx({ weights: new Float64Array(10), intercept: 0 }));
    await registerProduction('poor', zeros, {
      source: { blob: source },
      holdout: { fraction: 0.2, seed: 3 },
      policy: { floor: 0.3 },
    });
    run = await retrainAndWait('poor', { reason: 'new data arrived' });
  });

  it('is registered as version 2 and promoted, and the report says why with both metrics', () => {
    expect(run).toMatchObject({
      status: 'Promoted',
      trigger: 'http',
      requestReason: 'new data arrived',
      candidateVersion: 2,
      productionVersion: 2,
      metric: 'r2',
      dataReference: `blob ${source}`,
      dataSha256: sha256(diabetesCsv),
    });
    const report = run.report!;
    expect(report.production?.version).toBe(1);
    expect(report.production?.metrics?.r2).toBeLessThan(-1);
    expect(report.candidate?.metrics?.r2).toBeGreaterThan(0.3);
    expect(report.decision).toBe(
      `Promoted: the candidate's r2 ${round(report.candidate!.metrics!.r2!)} against production version 1's ${round(report.production!.metrics!.r2!)} (higher is better): better by ${round(report.candidate!.metrics!.r2! - report.production!.metrics!.r2!)}, at least the 0 required and reaches the floor (≥ 0.3).`,
    );
    expect(report.policy).toEqual({ metric: 'r2', direction: 'higher', minImprovement: 0, floor: 0.3 });
    expect(report.checks?.passed).toBe(true);
    expect(report.candidate).toMatchObject({ trainRows: 354, holdoutRows: 88 });
  });

  it('evaluated the candidate with onnxruntime on the seeded holdout: the R² of the same fit in TypeScript', () => {
    const table = readNumericTable(diabetesCsv, 'diabetes.csv');
    const split = splitHoldout(table.rows, { fraction: 0.2, seed: 3 });
    const fit = trainRidge(selectRows(table, split.train), { features, target: 'target' });
    const holdout = selectRows(table, split.holdout);
    const expected = r2Score(
      numericColumn(holdout, 'target'),
      predictLinear(fit.model, designMatrix(holdout, features)),
    );
    expect(run.report?.candidate?.hyperparameters.alpha).toBe(fit.alpha);
    // float32 inputs in the ONNX graph: equal to about 1e-6.
    expect(Math.abs((run.report?.candidate?.metrics?.r2 ?? NaN) - expected)).toBeLessThan(1e-5);
  });

  it('the new production version carries its metrics, data hash, baseline, parent and run', async () => {
    const production = await registry.version('poor@production');
    expect(production.version).toBe(2);
    expect(production.parentVersion).toBe(1);
    expect(production.trainingSha256).toBe(sha256(diabetesCsv));
    expect(production.metrics).toEqual(run.report?.candidate?.metrics);
    expect(production.card.tags).toEqual({ algorithm: 'ridge', owner: 'tests', trainingRun: run.runId });
    expect(production.card.training).toMatchObject({
      data: `blob ${source}`,
      target: 'target',
      metricsOn: 'holdout',
    });
    expect(Object.keys((production.card.training?.baseline as { features: object }).features)).toEqual(
      features,
    );
    // The holdout predictions' distribution: what scoring's prediction drift compares with.
    const predictionBaseline = production.card.training?.predictionBaseline as {
      rows: number;
      features: Record<string, { count: number; proportions: number[] }>;
    };
    expect(predictionBaseline.rows).toBe(run.report?.candidate?.holdoutRows);
    expect(Object.keys(predictionBaseline.features)).toEqual(['variable']);
    expect(predictionBaseline.features.variable!.count).toBe(predictionBaseline.rows);
    expect(predictionBaseline.features.variable!.proportions).toHaveLength(10);
    expect(production.card.retraining).toEqual({
      source: { blob: source },
      holdout: { fraction: 0.2, seed: 3 },
      policy: { floor: 0.3 },
    });
    const audit = (await registry.model('poor')).audit.at(-1);
    expect(audit).toMatchObject({ version: 2, stage: 'Production', by: `retrain run ${run.runId}` });
    expect(audit?.reason).toBe(run.decision);
  });

  it('writes the report blob the row points to', async () => {
    const report = JSON.parse((await harness.readOutput(run.reportBlob ?? '')).toString()) as RunReport;
    expect(report).toEqual(run.report);
    expect(run.reportBlob).toMatch(new RegExp(`/poor/${run.runId}\\.json$`));
  });
});

describe('a candidate worse than production', () => {
  let run: RunView;

  beforeAll(async () => {
    const source = await uploadTraining('strong.csv', diabetesCsv);
    // Production: the bundled model, fitted on every row (the holdout too); the candidate is held back
    // by a heavy penalty for this run only.
    await registerProduction('strong', diabetesOnnx, { source: { blob: source } });
    run = await retrainAndWait('strong', { alphas: [5000], reason: 'try a heavy penalty' });
  });

  it('is registered but not promoted, and the report says why', async () => {
    expect(run).toMatchObject({ status: 'NotPromoted', candidateVersion: 2, productionVersion: 1 });
    const { candidate, production } = run.report!;
    expect(candidate?.hyperparameters).toEqual({ alpha: 5000 });
    expect(candidate!.metrics!.r2!).toBeLessThan(production!.metrics!.r2!);
    expect(run.decision).toBe(
      `Not promoted: the candidate's r2 ${round(candidate!.metrics!.r2!)} against production version 1's ${round(production!.metrics!.r2!)} (higher is better): it is not better (by ${round(candidate!.metrics!.r2! - production!.metrics!.r2!)}).`,
    );
    expect((await registry.version('strong@production')).version).toBe(1);
    const registered = await registry.version('strong@2');
    expect(registered.stage).toBe('None');
    expect(registered.parentVersion).toBe(1);
    expect(registered.metrics).toEqual(candidate?.metrics);
  });
});

describe('data checks', () => {
  it('a training source without a feature column stops the run before training', async () => {
    const noBmi = diabetesCsv
      .trim()
      .split('\n')
      .map((line) =>
        line
          .split(',')
          .filter((_, c) => c !== 2)
          .join(','),
      )
      .join('\n');
    const source = await uploadTraining('no-bmi.csv', noBmi);
    await registerProduction('checked', diabetesOnnx, { source: { blob: source } });
    const run = await retrainAndWait('checked');
    expect(run.status).toBe('Stopped');
    expect(run.decision).toBe(
      'Data checks failed, so nothing was trained: Column "bmi" is missing (the data has age, sex, bp, s1, s2, s3, s4, s5, s6, target); add it or take it out of the model\'s features.',
    );
    expect(run.report?.checks?.passed).toBe(false);
    expect(run.candidateVersion).toBeUndefined();
    expect((await registry.model('checked')).latestVersion).toBe(1);
  });

  it("a training source in a container jobs may not read (the host's key store) stops the run, reading nothing", async () => {
    await registerProduction('secrets', diabetesOnnx, {
      source: { blob: `azure-webjobs-secrets/${harness.host.hostId}/host.json` },
    });
    const run = await retrainAndWait('secrets');
    expect(run.status).toBe('Stopped');
    expect(run.decision).toBe(
      `retraining.source.blob: container "azure-webjobs-secrets" is not one jobs may read (DATA_READ_CONTAINERS: ${harness.input}, videos, training-data, ${trainingContainer}).`,
    );
    expect(run.report?.data).toBeUndefined();
  });

  it('data shifted from the production baseline stops the run, naming the feature and its PSI', async () => {
    // "poor" is now version 2, trained by a run, so its card has a baseline of the data it learned from.
    const shifted = diabetesCsv
      .trim()
      .split('\n')
      .map((line, r) => {
        if (r === 0) return line;
        const cells = line.split(',');
        cells[2] = String(Number(cells[2]) + 8);
        return cells.join(',');
      })
      .join('\n');
    await uploadTraining('poor.csv', shifted);
    const run = await retrainAndWait('poor');
    expect(run.status).toBe('Stopped');
    const failed = run.report?.checks?.checks.filter((check) => check.status === 'failed') ?? [];
    expect(failed.map((check) => `${check.check} ${check.column}`)).toEqual([
      'range bmi',
      'distribution bmi',
    ]);
    expect(run.decision).toMatch(
      /^Data checks failed, so nothing was trained: Column bmi has \d+ values outside the training baseline's range/,
    );
    expect(run.decision).toMatch(
      /Column bmi: PSI [\d.]+ against the training baseline is at least 0.25: the data has shifted/,
    );
    expect((await registry.model('poor')).latestVersion).toBe(2);
  });
});

describe('the retrain HTTP API', () => {
  it('the models API keeps its routes next to the retrain routes', async () => {
    const model = await api('models/poor');
    expect(model.status).toBe(200);
    expect(((await model.json()) as { production: number }).production).toBe(2);
    const runs = (await (await api('models/poor/runs')).json()) as TrainingRunRecord[];
    expect(runs.map((run) => run.status)).toEqual(['Stopped', 'Promoted']);
  });

  it.each([
    [
      'an unknown model',
      'models/nosuchmodel/retrain',
      '{}',
      404,
      'Model "nosuchmodel" is not registered or bundled.',
    ],
    [
      'a body that is not JSON',
      'models/poor/retrain',
      '{"policy":',
      400,
      'The request body must be JSON (or empty).',
    ],
    [
      'an unknown override',
      'models/poor/retrain',
      '{"policy": {"metric": "r2", "treshold": 1}}',
      400,
      'Retrain request field "policy": unknown property "treshold"',
    ],
    [
      'a metric that is not one',
      'models/poor/retrain',
      '{"policy": {"metric": "f1"}}',
      400,
      expect.stringMatching(/^Retrain request field "policy.metric": /),
    ],
  ])('%s is refused', async (_what, path, body, status, error) => {
    const response = await api(path, { method: 'POST', body });
    expect(response.status).toBe(status);
    expect(((await response.json()) as { error: string }).error).toEqual(error);
  });

  it('an unknown run is 404; no key is 401', async () => {
    expect((await api('models/poor/runs/poor-nosuchrun')).status).toBe(404);
    expect((await harness.host.fetch('/api/models/poor/retrain', { method: 'POST' })).status).toBe(401);
  });
});

function round(value: number): string {
  return String(Number(value.toPrecision(4)));
}
