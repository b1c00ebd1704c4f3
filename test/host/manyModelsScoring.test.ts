import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { noAutoScoreMetadata } from '../../src/scoring/startJobForDrop';
import type { KeyedModelsFile } from '../../src/manyModels/scoring/keyedModels';
import { featuresFor } from '../../src/manyModels/training/forecastFeatures';
import type { ForecastFeatureSpec, TargetHistory } from '../../src/manyModels/training/ForecastFeatureSpec';
import type { TrainManyReport } from '../../src/manyModels/training/trainManyContracts';
import { ModelRegistry } from '../../src/models/registry/ModelRegistry';
import { fitRidge } from '../../src/training/fitRidge';
import { linearModelToOnnx } from '../../src/training/linearModelToOnnx';
import { parseTrainingCsv } from '../../src/training/retrain/parseTrainingCsv';
import { designMatrix, numericColumn } from '../../src/training/TrainingTable';
import { parseSimpleCsv, referencePredictionsMany, ScoringHarness } from '../support/scoringHarness';
import { hostSecrets, uniqueName } from '../support/testStorage';
import { testInspector } from '../unit/models/registryTestKit';
import { partitionAndUpload } from '../support/partitionAndUpload';
import { partitionCsv } from '../unit/manyModels/training/partitionCsv';

// Keyed ("many models") batch scoring through the real host: trainMany registers one model per key of
// oj-train (Store × Brand) and hts-sample-train (state × store_id × SKU), partitioned by the real
// partitioner; POST /api/jobs with
// `model: { name, partitionBy }` scores the test files; every row's prediction is checked against the
// key's own model run directly (features from the training-side featuresFor, onnxruntime in another
// process), and rows whose key has no model follow the declared fallback.

const registryTable = uniqueName('mmscore');
const registryContainer = uniqueName('mmscore');
const dataContainer = uniqueName('mmsdata');
const harness = new ScoringHarness({
  MODEL_REGISTRY_TABLE: registryTable,
  MODEL_REGISTRY_CONTAINER: registryContainer,
  RETRAIN_RUNS_CONTAINER: uniqueName('mmsruns'),
  DATA_READ_CONTAINERS: dataContainer,
});
const registry = new ModelRegistry({
  storage: harness.storage,
  table: registryTable,
  container: registryContainer,
  inspector: testInspector(),
});
let masterKey: string;

const ojTrain = readFileSync('test/fixtures/data/oj-train.csv', 'utf8');
const ojTest = readFileSync('test/fixtures/data/oj-test.csv', 'utf8');
const htsTrain = readFileSync('test/fixtures/data/hts-sample-train.csv', 'utf8');
const htsTest = readFileSync('test/fixtures/data/hts-sample-test.csv', 'utf8');
const ojKeys = ['Store', 'Brand'];
const htsKeys = ['state', 'store_id', 'SKU'];

function api(route: string, init: RequestInit = {}): Promise<Response> {
  return harness.host.fetch(`/api/${route}`, {
    ...init,
    headers: { 'x-functions-key': masterKey, 'content-type': 'application/json', ...init.headers },
  });
}

/** A training file partitioned by the real partitioner and uploaded under `prefix`. */
async function upload(prefix: string, csv: string, keys: readonly string[]): Promise<void> {
  const container = await harness.storage.ensureContainer(dataContainer);
  const index = await partitionAndUpload(csv, keys, container, prefix);
  expect(index.partitions.length).toBe(partitionCsv(csv, keys).length);
}

async function train(body: Record<string, unknown>): Promise<TrainManyReport> {
  const response = await api('many-models/train', { method: 'POST', body: JSON.stringify(body) });
  expect(response.status).toBe(202);
  const { runId } = (await response.json()) as { runId: string };
  const deadline = Date.now() + 180_000;
  for (;;) {
    const run = (await (await api(`many-models/train/${runId}`)).json()) as {
      runtimeStatus: string;
      report?: TrainManyReport;
    };
    if (run.runtimeStatus === 'Completed') return run.report!;
    if (['Failed', 'Terminated'].includes(run.runtimeStatus) || Date.now() > deadline)
      throw new Error(`trainMany ${runId}: ${JSON.stringify(run)}\n${harness.host.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Starts a job over HTTP on an uploaded input and waits for it to end. */
async function score(name: string, csv: string, spec: Record<string, unknown>) {
  const container = await harness.storage.ensureContainer(harness.input);
  await container.getBlockBlobClient(name).uploadData(Buffer.from(csv), { metadata: noAutoScoreMetadata });
  const response = await api('jobs', {
    method: 'POST',
    body: JSON.stringify({ input: { container: harness.input, blob: name }, ...spec }),
  });
  expect(response.status).toBe(202);
  const { id } = (await response.json()) as { id: string };
  return harness.waitForJob(id, 60_000);
}

interface OutputRow {
  readonly cells: Readonly<Record<string, string>> & {
    readonly scored_by: string;
    readonly [column: string]: string;
  };
}

function outputRows(csv: string): OutputRow[] {
  const table = parseSimpleCsv(csv);
  return table.rows.map((row) => ({
    cells: Object.fromEntries(table.header.map((h, i) => [h, row[i]!])) as OutputRow['cells'],
  }));
}

async function readErrors(prefix: string): Promise<{ row: number; field?: string; reason: string }[]> {
  const text = (await harness.read(harness.output, `${prefix}/_errors.jsonl`)).toString('utf8');
  return text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { row: number; field?: string; reason: string });
}

/**
 * What each input row should get, computed without the app's scoring code: the key's latest version
 * found through the registry's tag index, its features from the training-side featuresFor (the
 * model's history, the key's rows with no target), and onnxruntime-node in its own process.
 */
async function expectedByKey(csv: string, keys: readonly string[], model: string) {
  const table = parseTrainingCsv(csv, 'input');
  const header = csv.slice(0, csv.indexOf('\n')).split(',');
  const lines = csv.trim().split('\n').slice(1);
  const groups = new Map<string, number[]>();
  lines.forEach((line, r) => {
    const cells = line.split(',');
    const id = keys.map((k) => cells[header.indexOf(k)]).join('|');
    groups.set(id, [...(groups.get(id) ?? []), r]);
  });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'keyed-'));
  const runs: { model: string; rows: number[][]; at: number[]; label: string }[] = [];
  for (const [id, rows] of groups) {
    const values = id.split('|');
    const tags = Object.fromEntries(keys.map((k, i) => [k, values[i]!]));
    const found = await registry.version({ name: model, tags });
    const loaded = await registry.load(found);
    const { spec, history } = (
      found.card as unknown as { forecasting: { spec: ForecastFeatureSpec; history: TargetHistory } }
    ).forecasting;
    const keyTable = {
      columns: table.columns,
      rows: rows.length,
      values: table.values.map((column) =>
        rows.map((r) => (column as ArrayLike<unknown>)[r] as number | string | null),
      ),
    };
    const features = featuresFor(keyTable, spec, history);
    const file = path.join(dir, `${runs.length}.onnx`);
    writeFileSync(file, loaded.onnx);
    const matrix = Array.from({ length: features.x.rows }, (_, i) =>
      Array.from(features.x.values.subarray(i * features.x.columns, (i + 1) * features.x.columns)),
    );
    runs.push({
      model: file,
      rows: matrix,
      at: Array.from(features.rowIndex, (i) => rows[i]!),
      label: `${model}@${found.version}`,
    });
  }
  const outputs = referencePredictionsMany(runs);
  // Rows featuresFor leaves out (a lag before the series' history) stay undefined.
  const expected = new Array<{ label: string; variable: number } | undefined>(lines.length);
  runs.forEach((run, k) =>
    run.at.forEach((r, i) => (expected[r] = { label: run.label, variable: outputs[k]!.variable![i]! })),
  );
  return expected;
}

beforeAll(async () => {
  await harness.start();
  masterKey = (await hostSecrets(harness.host.hostId)).masterKey.value;
  await Promise.all([upload('oj', ojTrain, ojKeys), upload('hts', htsTrain, htsKeys)]);
  const common = { dataset: { container: dataContainer }, keysPerChunk: 20, concurrency: 4 };
  const [oj, hts] = await Promise.all([
    train({
      ...common,
      dataset: { container: dataContainer, prefix: 'oj' },
      model: 'oj-sales',
      target: 'Quantity',
      time: 'WeekStarting',
      price: 'Price',
      promotion: 'Advert',
    }),
    train({
      ...common,
      dataset: { container: dataContainer, prefix: 'hts' },
      model: 'hts-sales',
      target: 'quantity',
      time: 'date',
      price: 'price',
      holdout: 30,
    }),
  ]);
  expect(oj.keys).toEqual({ total: 9, trained: 9, failed: 0 });
  expect(hts.failed).toEqual([]);
  expect(hts.keys).toEqual({ total: 45, trained: 45, failed: 0 });
  // The fallback: one global ridge model on Price and Advert over every oj-train row.
  const table = parseTrainingCsv(ojTrain, 'oj-train.csv');
  const features = ['Price', 'Advert'];
  const global = fitRidge(designMatrix(table, features), numericColumn(table, 'Quantity'), 1);
  await registry.register({
    name: 'oj-global',
    onnx: Buffer.from(linearModelToOnnx(global)),
    card: { features, outputs: ['variable'], task: 'regression' },
    producer: 'manyModelsScoring test',
  });
}, 240_000);

afterAll(async () => {
  await harness.host?.stop();
});

// oj-test plus rows the key models cannot score: a key with no model, a bad price, a week past the horizon.
const [ojHeader, ...ojLines] = ojTest.trim().split('\n');
const unknownKey = ojLines[0]!.replace(',2,dominicks,', ',999,dominicks,');
const badPrice = ojLines[1]!.replace(/^([^,]*,[^,]*,[^,]*,[^,]*),[^,]*,/, '$1,abc,');
const pastHorizon = ojLines[2]!.replace(/^1992-\d\d-\d\d/, '1993-06-03');
const ojInput = `${[ojHeader, ojLines[0], unknownKey, ...ojLines.slice(1, 20), badPrice, pastHorizon, ...ojLines.slice(20), unknownKey].join('\n')}\n`;
/** Each input row's 1-based number and the oj-test line it copies (undefined for the made-up rows). */
const inputRows = [0, undefined, ...range(1, 20), undefined, undefined, ...range(20, 36), undefined].map(
  (line, i) => ({ row: i + 1, line }),
);
function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}
const ojSpec = (fallback?: unknown) => ({
  model: { name: 'oj-sales', partitionBy: ['Store', 'Brand'], ...(fallback ? { fallback } : {}) },
  output: { passThrough: ['WeekStarting', 'Store', 'Brand'] },
});

describe('scoring oj-test by Store × Brand', () => {
  it("scores every row with its key's model, in input order, and reports rows it cannot score", async () => {
    const job = await score('oj-keyed.csv', ojInput, ojSpec());
    const expected = await expectedByKey(ojTest, ojKeys, 'oj-sales');
    // Every oj-test row has features, those whose 52-week lag falls in a gap of their series (a week
    // missing a year earlier) included: the gap is carried over from the week before it.
    const scoredRows = inputRows.filter((row) => row.line !== undefined);
    expect(scoredRows.every((row) => expected[row.line!] !== undefined)).toBe(true);
    expect(job).toMatchObject({
      status: 'PartiallySucceeded',
      totalRows: 40,
      scoredRows: scoredRows.length,
      badRows: 40 - scoredRows.length,
    });
    const rows = outputRows((await harness.read(harness.output, `${job.jobId}/predictions.csv`)).toString());
    expect(rows.map((row) => [row.cells.WeekStarting, row.cells.Store, row.cells.Brand].join(','))).toEqual(
      scoredRows.map((row) => ojLines[row.line!]!.split(',').slice(0, 3).join(',')),
    );
    rows.forEach((row, i) => {
      const want = expected[scoredRows[i]!.line!]!;
      expect(row.cells.scored_by).toBe(want.label);
      expect(Number(row.cells.variable)).toBeCloseTo(want.variable, 9);
    });
    expect(new Set(rows.map((row) => row.cells.scored_by)).size).toBe(9);
    const errors = await readErrors(job.jobId);
    const file = `${harness.input}/oj-keyed.csv`;
    expect(errors).toEqual(
      [
        {
          file,
          row: 2,
          field: 'Store,Brand',
          reason:
            'no version of model "oj-sales" is tagged Store=999, Brand=dominicks (versions up to 9); the job\'s fallback is "error"',
        },
        { file, row: 22, field: 'Price', reason: 'Price: "abc" is not a number' },
        {
          file,
          row: 23,
          field: 'WeekStarting',
          reason: expect.stringMatching(
            /^WeekStarting: 1993-06-03 is \d+ weeks after the series' last known Quantity \(1992-\d\d-\d\d\); the model forecasts at most 8 weeks ahead$/,
          ) as unknown,
        },
        expect.objectContaining({ row: 40, field: 'Store,Brand' }) as unknown,
      ].sort((a, b) => (a as { row: number }).row - (b as { row: number }).row),
    );
    const manifest = JSON.parse(
      (await harness.read(harness.output, `${job.jobId}/_manifest.json`)).toString(),
    ) as { model: Record<string, unknown> };
    expect(manifest.model).toMatchObject({
      name: 'oj-sales',
      partitionBy: ojKeys,
      keys: 9,
      upToVersion: 9,
      versions: `${harness.output}/${job.jobId}/_models.json`,
      fallback: 'error',
    });
    const versions = JSON.parse(
      (await harness.read(harness.output, `${job.jobId}/_models.json`)).toString(),
    ) as KeyedModelsFile;
    expect(versions.keys.map((k) => `oj-sales@${k.version}`).sort()).toEqual(
      [...new Set(expected.map((e) => e?.label))].sort(),
    );
  }, 60_000);

  it('scores rows whose key has no model with the declared fallback model', async () => {
    const job = await score('oj-fallback.csv', ojInput, ojSpec({ model: 'oj-global' }));
    const keyedErrors = (await readErrors((await score('oj-keyed-2.csv', ojInput, ojSpec())).jobId)).filter(
      (error) => error.field !== 'Store,Brand',
    );
    expect(job).toMatchObject({
      status: 'PartiallySucceeded',
      totalRows: 40,
      scoredRows: 40 - keyedErrors.length,
      badRows: keyedErrors.length,
    });
    const rows = outputRows((await harness.read(harness.output, `${job.jobId}/predictions.csv`)).toString());
    const fallbackRows = rows.filter((row) => row.cells.Store === '999');
    expect(fallbackRows.map((row) => row.cells.scored_by)).toEqual(['oj-global@1', 'oj-global@1']);
    const cells = unknownKey.split(',');
    const price = Number(cells[ojHeader!.split(',').indexOf('Price')]);
    const advert = Number(cells[ojHeader!.split(',').indexOf('Advert')]);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'global-'));
    const loaded = await registry.load(await registry.resolve('oj-global@1'));
    writeFileSync(path.join(dir, 'model.onnx'), loaded.onnx);
    const [reference] = referencePredictionsMany([
      { model: path.join(dir, 'model.onnx'), rows: [[price, advert]] },
    ]);
    for (const row of fallbackRows)
      expect(Number(row.cells.variable)).toBeCloseTo(reference!.variable![0]!, 9);
    expect(
      rows
        .filter((row) => row.cells.Store !== '999')
        .every((row) => row.cells.scored_by.startsWith('oj-sales@')),
    ).toBe(true);
    const errors = await readErrors(job.jobId);
    // The same rows and fields as without a fallback (the fallback reads Price as a number itself, so
    // the parser words that row's reason).
    expect(errors.map((e) => [e.row, e.field])).toEqual(keyedErrors.map((e) => [e.row, e.field]));
    expect(errors.find((e) => e.row === 22)?.reason).toContain('"abc"');
  }, 60_000);

  it('is one command line: score --partition-by --fallback', async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'oj-cli-')), 'oj.csv');
    writeFileSync(file, ojInput);
    const args = ['score', file, '--model', 'oj-sales', '--partition-by', 'Store,Brand'];
    const result = await harness.runCli([...args, '--fallback', 'oj-global']);
    expect(result.stdout).toMatch(
      /^Job job-\S+: PartiallySucceeded\n {2}model {4}oj-sales, one version per Store × Brand \(9 keys\)\n {2}versions \S+\/_models\.json\n {2}rows {5}3\d scored, \d bad, of 40\n/,
    );
    const misuse = await harness.runCli(['score', file, '--model', 'oj-sales', '--fallback', 'oj-global']);
    expect(misuse).toMatchObject({ code: 1, stderr: '--fallback applies to --partition-by jobs only.\n' });
  }, 60_000);

  it('fails the job before scoring when the input lacks a key column', async () => {
    const job = await score('oj-nokey.csv', ojTest, {
      model: { name: 'oj-sales', partitionBy: ['Store', 'Banner'] },
    });
    expect(job.status).toBe('Failed');
    expect(job.reason).toContain('model.partitionBy names column(s) the input does not have: Banner');
  }, 60_000);
});

describe('scoring hts-sample-test by state × store_id × SKU', () => {
  it("scores every row over several partitions, each with its own key's model", async () => {
    // The test file three times over (105 KB): several 64 KiB partitions, keys spread over all of them.
    const [header, ...lines] = htsTest.trim().split('\n');
    const input = `${[header, ...lines, ...lines, ...lines].join('\n')}\n`;
    const job = await score('hts-keyed.csv', input, {
      model: { name: 'hts-sales', partitionBy: htsKeys },
      output: { passThrough: ['date', 'state', 'store_id', 'SKU'] },
      partitionBytes: 65_536,
    });
    expect(job).toMatchObject({ status: 'Succeeded', totalRows: 4050, scoredRows: 4050, badRows: 0 });
    expect(job.partitions).toBeGreaterThan(1);
    const rows = outputRows((await harness.read(harness.output, `${job.jobId}/predictions.csv`)).toString());
    const expected = await expectedByKey(htsTest, htsKeys, 'hts-sales');
    expect(rows).toHaveLength(4050);
    expect(new Set(rows.map((row) => row.cells.scored_by)).size).toBe(45);
    rows.forEach((row, i) => {
      const line = lines[i % lines.length]!.split(',');
      expect([row.cells.date, row.cells.state, row.cells.store_id, row.cells.SKU]).toEqual([
        line[0],
        line[1],
        line[2],
        line[4],
      ]);
      expect(row.cells.scored_by).toBe(expected[i % lines.length]!.label);
      expect(Number(row.cells.variable)).toBeCloseTo(expected[i % lines.length]!.variable, 9);
    });
  }, 90_000);
});
