import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { featuresFor } from '../../src/manyModels/training/forecastFeatures';
import type { ForecastFeatureSpec, TargetHistory } from '../../src/manyModels/training/ForecastFeatureSpec';
import type { TrainManyReport } from '../../src/manyModels/training/trainManyContracts';
import { ModelRegistry } from '../../src/models/registry/ModelRegistry';
import { parseTrainingCsv } from '../../src/training/retrain/parseTrainingCsv';
import { noAutoScoreMetadata } from '../../src/scoring/startJobForDrop';
import { partitionAndUpload } from '../support/partitionAndUpload';
import { parseSimpleCsv, referencePredictionsMany, ScoringHarness } from '../support/scoringHarness';
import { hostSecrets, uniqueName } from '../support/testStorage';
import { testInspector } from '../unit/models/registryTestKit';

// Many models on a schedule, through the real host: a declared data set (manyModels/*.json in a folder
// of the test's own) whose timer fires every two seconds trains two stores, one whose sales follow the
// price (r2 near 1) and one of noise (r2 below the floor). The gate promotes the first store's version
// of the first run, refuses the noisy store, and refuses the second run's versions (no better than
// production); a job scoring `stage: 'production'` uses exactly the promoted version.

const registryTable = uniqueName('mmsched');
const registryContainer = uniqueName('mmsched');
const dataContainer = uniqueName('mmsdata');
const runsContainer = uniqueName('mmsruns');
const model = 'store-sales';
const declarations = mkdtempSync(path.join(os.tmpdir(), 'many-models-'));
writeFileSync(
  path.join(declarations, 'stores.json'),
  JSON.stringify({
    model,
    dataset: { container: dataContainer, prefix: 'stores' },
    target: 'sales',
    time: 'week',
    price: 'price',
    lags: [8],
    holdout: 8,
    keysPerActivity: 2,
    schedule: '*/2 * * * * *',
    policy: { metric: 'r2', floor: 0.5 },
  }),
);
const harness = new ScoringHarness({
  MANY_MODELS_DIRECTORY: declarations,
  MODEL_REGISTRY_TABLE: registryTable,
  MODEL_REGISTRY_CONTAINER: registryContainer,
  RETRAIN_RUNS_CONTAINER: runsContainer,
  DATA_READ_CONTAINERS: dataContainer,
});
const registry = new ModelRegistry({
  storage: harness.storage,
  table: registryTable,
  container: registryContainer,
  inspector: testInspector(),
});
let masterKey: string;

/** 60 weeks per store: store 1 sells 400 − 30 × price (± 2), store 2 sells noise around 100. */
function salesCsv(): string {
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const lines = ['store,week,price,sales'];
  for (const store of ['1', '2'])
    for (let week = 0; week < 60; week++) {
      const date = new Date(Date.UTC(2025, 0, 6) + week * 7 * 86_400_000).toISOString().slice(0, 10);
      const price = 2 + 6 * random();
      const sales = store === '1' ? 400 - 30 * price + 4 * (random() - 0.5) : 50 + 100 * random();
      lines.push(`${store},${date},${price.toFixed(2)},${sales.toFixed(2)}`);
    }
  return `${lines.join('\n')}\n`;
}

/** The four weeks after the data, both stores. */
const futureCsv = `${[
  'store,week,price',
  ...['1', '2'].flatMap((store) =>
    [0, 1, 2, 3].map((i) => {
      const date = new Date(Date.UTC(2025, 0, 6) + (60 + i) * 7 * 86_400_000).toISOString().slice(0, 10);
      return `${store},${date},${(3 + i).toFixed(2)}`;
    }),
  ),
].join('\n')}\n`;

function api(route: string, init: RequestInit = {}): Promise<Response> {
  return harness.host.fetch(`/api/${route}`, {
    ...init,
    headers: { 'x-functions-key': masterKey, 'content-type': 'application/json', ...init.headers },
  });
}

/** The reports of the first two scheduled runs, each read through GET /api/many-models/train/{runId}. */
async function firstTwoRuns(timeoutMs = 60_000): Promise<TrainManyReport[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const started = [...harness.host.output().matchAll(/occurrence: started (train-\S+)/g)].map((m) => m[1]!);
    const reports = await Promise.all(
      [...new Set(started)].slice(0, 2).map(async (runId) => {
        const run = (await (await api(`many-models/train/${runId}`)).json()) as {
          runtimeStatus: string;
          report?: TrainManyReport;
        };
        return run.runtimeStatus === 'Completed' ? run.report : undefined;
      }),
    );
    if (reports.length === 2 && reports.every((report) => report !== undefined))
      return reports.sort((a, b) => a.runId.localeCompare(b.runId));
    if (Date.now() > deadline) throw new Error(`No two finished runs.\n${harness.host.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

afterAll(async () => {
  await harness.host?.stop();
});

it('the timer trains, gates and promotes per key; scoring by stage production uses the promoted versions', async () => {
  const container = await harness.storage.ensureContainer(dataContainer);
  await partitionAndUpload(salesCsv(), ['store'], container, 'stores');
  await harness.start();
  masterKey = (await hostSecrets(harness.host.hostId)).masterKey.value;
  expect(harness.host.output()).toMatch(/trainManyOnSchedule-store-sales: timer: \*\/2 \* \* \* \* \*/);
  const [first, second] = await firstTwoRuns();
  // A run id per occurrence, each started once.
  const runIds = [...harness.host.output().matchAll(/occurrence: started (train-\S+)/g)].map((m) => m[1]);
  expect(new Set(runIds).size).toBe(runIds.length);

  // One run per occurrence, named by it.
  expect(first!.runId).toMatch(/^train-store-sales-scheduled-\d{8}T\d{6}Z$/);
  expect(first!.keys).toEqual({ total: 2, trained: 2, failed: 0 });
  const versionOf = (report: TrainManyReport, store: string) =>
    report.trained.find((key) => key.key.store === store)!.version;
  const decision = (report: TrainManyReport, store: string) =>
    report.promotion!.keys.find((key) => key.key.store === store)!;
  expect(first!.promotion).toMatchObject({
    policy: { metric: 'r2', direction: 'higher', minImprovement: 0, floor: 0.5 },
    compared: expect.stringContaining("the new version's holdout rows") as unknown,
    promoted: 1,
    notPromoted: 1,
  });
  expect(decision(first!, '1')).toMatchObject({
    promoted: true,
    version: versionOf(first!, '1'),
    reason: expect.stringMatching(/^Promoted: there is no production version/) as unknown,
  });
  expect(decision(first!, '1').candidateValue).toBeGreaterThan(0.9);
  expect(decision(first!, '2')).toMatchObject({
    promoted: false,
    reason: expect.stringMatching(/does not reach the floor \(≥ 0.5\)/) as unknown,
  });
  // The second run trains the same data: store 1's new version is no better than its production one.
  // Both run through onnxruntime on the second run's holdout rows: the same model, the same metric.
  expect(decision(second!, '1')).toMatchObject({
    promoted: false,
    productionVersion: versionOf(first!, '1'),
    compared: 'holdout',
    reason: expect.stringMatching(/^Not promoted: .*it is not better/) as unknown,
  });
  expect(decision(second!, '1').productionValue).toBe(decision(second!, '1').candidateValue);
  expect(decision(second!, '2').promoted).toBe(false);

  // Per-key stages: store 1's production version is the first run's; store 2 has none.
  const overview = (await (await api(`models/${model}`)).json()) as {
    partitionBy: string[];
    keys: { key: Record<string, string>; production?: number }[];
  };
  expect(overview.partitionBy).toEqual(['store']);
  expect(overview.keys).toEqual([{ key: { store: '1' }, production: versionOf(first!, '1') }]);
  const wholeModel = await api(`models/${model}/versions/production`);
  expect(wholeModel.status).toBe(409);
  expect(((await wholeModel.json()) as { error: string }).error).toContain(
    'one production version per store',
  );

  // Scoring by stage: store 1's rows by the promoted version, store 2's rows follow the fallback (error).
  const input = await harness.storage.ensureContainer(harness.input);
  await input
    .getBlockBlobClient('future.csv')
    .uploadData(Buffer.from(futureCsv), { metadata: noAutoScoreMetadata });
  const started = await api('jobs', {
    method: 'POST',
    body: JSON.stringify({
      input: { container: harness.input, blob: 'future.csv' },
      model: { name: model, partitionBy: ['store'], stage: 'production' },
      output: { passThrough: ['store', 'week'] },
    }),
  });
  expect(started.status).toBe(202);
  const job = await harness.waitForJob(((await started.json()) as { id: string }).id, 30_000);
  expect(job).toMatchObject({ status: 'PartiallySucceeded', totalRows: 8, scoredRows: 4, badRows: 4 });
  const output = parseSimpleCsv(
    (await harness.read(harness.output, `${job.jobId}/predictions.csv`)).toString(),
  );
  const column = (name: string) => output.rows.map((row) => row[output.header.indexOf(name)]!);
  expect(column('store')).toEqual(['1', '1', '1', '1']);
  expect(new Set(column('scored_by'))).toEqual(new Set([`${model}@${versionOf(first!, '1')}`]));

  // The promoted version run directly with onnxruntime on the same rows' features.
  const promoted = await registry.version({ name: model, version: versionOf(first!, '1') });
  const { spec, history } = (
    promoted.card as unknown as { forecasting: { spec: ForecastFeatureSpec; history: TargetHistory } }
  ).forecasting;
  const table = parseTrainingCsv(futureCsv, 'future.csv');
  const storeRows = {
    ...table,
    rows: 4,
    values: table.values.map((values) => Array.from(values as ArrayLike<unknown>).slice(0, 4)),
  };
  const features = featuresFor(storeRows as typeof table, spec, history);
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'promoted-')), 'model.onnx');
  writeFileSync(file, (await registry.load(promoted)).onnx);
  const rows = Array.from({ length: features.x.rows }, (_, i) =>
    Array.from(features.x.values.subarray(i * features.x.columns, (i + 1) * features.x.columns)),
  );
  const [reference] = referencePredictionsMany([{ model: file, rows }]);
  expect(rows).toHaveLength(4);
  column('variable').forEach((value, i) => expect(Number(value)).toBeCloseTo(reference!.variable![i]!, 9));

  // Rollback is per key too: the key must be named; the CLI's --key names it.
  const noKey = await api(`models/${model}/rollback`, {
    method: 'POST',
    body: JSON.stringify({ reason: 'test' }),
  });
  expect(noKey.status).toBe(400);
  expect(((await noKey.json()) as { error: string }).error).toContain('give the key to roll back');
  const byHand = await api(`models/${model}/stage`, {
    method: 'POST',
    body: JSON.stringify({ version: versionOf(second!, '1'), stage: 'Production', reason: 'test' }),
  });
  expect(byHand.status).toBe(200);
  const cli = await harness.runCli(['models', 'rollback', model, '--key', 'store=1', '--reason', 'test']);
  expect(cli.stdout).toContain(
    `${model}@${versionOf(first!, '1')} [store=1]: Archived → Production; ${model}@${versionOf(second!, '1')} Production → Archived`,
  );
}, 90_000);
