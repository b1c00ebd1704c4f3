import { readFileSync } from 'node:fs';
import { featuresFor } from '../../src/manyModels/training/forecastFeatures';
import type { ForecastFeatureSpec } from '../../src/manyModels/training/ForecastFeatureSpec';
import { trainPartitions } from '../../src/manyModels/training/activities/trainPartitions';
import type { TrainManyReport } from '../../src/manyModels/training/trainManyContracts';
import { trainSeries } from '../../src/manyModels/training/trainSeries';
import { PoolSeriesTrainer } from '../../src/manyModels/training/SeriesTrainer';
import { ModelRegistry } from '../../src/models/registry/ModelRegistry';
import { TestFaults } from '../../src/runtime/faults/TestFaults';
import { WorkerPool } from '../../src/runtime/workers/WorkerPool';
import { DataContainers } from '../../src/storage/DataContainers';
import { testInspector } from '../unit/models/registryTestKit';
import { InferencePool } from '../../src/runtime/inference/InferencePool';
import { predictLinear } from '../../src/training/fitRidge';
import { parseTrainingCsv } from '../../src/training/retrain/parseTrainingCsv';
import { ScoringHarness } from '../support/scoringHarness';
import { hostSecrets, uniqueName } from '../support/testStorage';
import { partitionAndUpload } from '../support/partitionAndUpload';
import { partitionCsv } from '../unit/manyModels/training/partitionCsv';

// trainMany through the real host: oj-train plus one key with too little history, partitioned by
// Store × Brand (9 + 1 keys) with the real partitioner; POST /api/many-models/train, the run's report,
// and the models it registered.

const keys = ['Store', 'Brand'];
const ojCsv = readFileSync('test/fixtures/data/oj-train.csv', 'utf8');
// What each key's partition holds, for the checks below.
const oj = partitionCsv(ojCsv, keys);
const store2Dominicks = oj.find((p) => p.path === 'Store=2/Brand=dominicks.csv')!;
/** Store 2's dominicks rows (the first `weeks` of them) under Store 99. */
const asStore99 = (weeks: number): string[] =>
  store2Dominicks.text
    .trim()
    .split('\n')
    .slice(1, weeks + 1)
    .map((line) => line.replace(',2,dominicks,', ',99,dominicks,'));
// Store 99: 30 weeks; 52-week lags leave it no training rows.
const shortSeries = { key: { Store: '99', Brand: 'dominicks' }, path: 'Store=99/Brand=dominicks.csv' };
const flaky = 'Store=5/Brand=tropicana.csv';
// Under the `ojfault` prefix (a copy of the data), a key whose every try hits a transient fault.
const neverPasses = { Store: '8', Brand: 'minute.maid' };
const options = { time: 'WeekStarting', target: 'Quantity', price: 'Price', promotion: 'Advert' };
const registryTable = uniqueName('mmmodels');
const registryContainer = uniqueName('mmmodels');
const dataContainer = uniqueName('mmdata');
const harness = new ScoringHarness({
  MODEL_REGISTRY_TABLE: registryTable,
  MODEL_REGISTRY_CONTAINER: registryContainer,
  RETRAIN_RUNS_CONTAINER: uniqueName('mmruns'),
  DATA_READ_CONTAINERS: dataContainer,
  DURABLE_SCORING_TEST_FAULTS: JSON.stringify({
    trainManyKey: { [`oj/${flaky}`]: 1, 'ojfault/Store=8/Brand=minute.maid.csv': 99 },
  }),
});
const registry = new ModelRegistry({
  storage: harness.storage,
  table: registryTable,
  container: registryContainer,
  inspector: testInspector(),
});
let masterKey: string;

/** oj-train and `extraRows`, as one file, partitioned and uploaded under `prefix`. */
async function upload(prefix: string, extraRows: readonly string[]): Promise<void> {
  const container = await harness.storage.ensureContainer(dataContainer);
  const index = await partitionAndUpload(
    `${ojCsv.trimEnd()}\n${extraRows.join('\n')}\n`,
    keys,
    container,
    prefix,
  );
  expect(index.partitions).toHaveLength(oj.length + 1);
}

function api(path: string, init: RequestInit = {}): Promise<Response> {
  return harness.host.fetch(`/api/${path}`, {
    ...init,
    headers: { 'x-functions-key': masterKey, 'content-type': 'application/json', ...init.headers },
  });
}

interface RunView {
  runId: string;
  runtimeStatus: string;
  report?: TrainManyReport;
}

async function trainAndWait(body: Record<string, unknown>): Promise<RunView> {
  const response = await api('many-models/train', { method: 'POST', body: JSON.stringify(body) });
  expect(response.status).toBe(202);
  const started = (await response.json()) as { runId: string; statusUrl: string };
  expect(response.headers.get('location')).toBe(started.statusUrl);
  expect(started.statusUrl).toBe(`${harness.host.baseUrl}/api/many-models/train/${started.runId}`);
  const deadline = Date.now() + 120_000;
  for (;;) {
    const run = (await (await api(`many-models/train/${started.runId}`)).json()) as RunView;
    if (['Completed', 'Failed', 'Terminated'].includes(run.runtimeStatus)) return run;
    if (Date.now() > deadline)
      throw new Error(`Run ${started.runId}: ${JSON.stringify(run)}\n${harness.host.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

beforeAll(async () => {
  await harness.start();
  masterKey = (await hostSecrets(harness.host.hostId)).masterKey.value;
  await upload('oj', asStore99(30));
}, 60_000);

afterAll(async () => {
  await harness.host?.stop();
});

describe('a run over oj-train partitioned by Store × Brand', () => {
  let run: RunView;
  let report: TrainManyReport;

  beforeAll(async () => {
    run = await trainAndWait({
      dataset: { container: dataContainer, prefix: 'oj' },
      model: 'oj-sales',
      ...options,
      keysPerChunk: 4,
      keysPerActivity: 2,
      concurrency: 2,
      retryIntervalMs: 100,
    });
    report = run.report!;
  }, 150_000);

  it('trains the 9 keys in sub-orchestrations and reports the short series as failed, with the reason', () => {
    expect(run.runtimeStatus).toBe('Completed');
    expect(report).toMatchObject({
      runId: run.runId,
      model: 'oj-sales',
      status: 'PartiallySucceeded',
      keyColumns: keys,
      keys: { total: 10, trained: 9, failed: 1 },
      chunks: 3,
    });
    expect(report.failed).toEqual([
      {
        key: shortSeries.key,
        path: shortSeries.path,
        reason:
          'Store=99/Brand=dominicks: 0 of 30 rows have the 52-period history the lags need, 0 of them before the 8-period holdout; at least 20 training rows and one holdout row are needed',
        retryable: false,
        attempts: 1,
      },
    ]);
    expect(report.trained.map((key) => key.path).sort()).toEqual(oj.map((p) => p.path).sort());
  });

  it('shows progress summed over the chunks: keys trained and failed, chunks done', async () => {
    const view = (await (await api(`many-models/train/${run.runId}`)).json()) as { progress: unknown };
    expect(view.progress).toEqual({
      step: 'report',
      keys: report.keys.total,
      chunks: report.chunks,
      trained: report.keys.trained,
      failed: report.keys.failed,
      chunksDone: report.chunks,
    });
  });

  it('retried the key whose first try hit a transient fault', () => {
    expect(report.trained.find((key) => key.path === flaky)).toMatchObject({ attempts: 2, existing: false });
    expect(report.trained.filter((key) => key.attempts !== 1).map((key) => key.path)).toEqual([flaky]);
  });

  it('summarises the holdout metrics over the keys and writes the report blob it returns', async () => {
    const r2 = report.trained.map((key) => key.metrics.r2!);
    expect(report.metrics.r2).toMatchObject({
      keys: 9,
      min: Math.min(...r2),
      max: Math.max(...r2),
    });
    expect(report.metrics.r2!.mean).toBeCloseTo(r2.reduce((a, b) => a + b, 0) / 9, 10);
    expect(report.durations.keysMs).toBe(report.trained.reduce((sum, key) => sum + key.durationMs, 0));
    expect(report.reportBlob).toMatch(new RegExp(`/many-models/oj-sales/${run.runId}\\.json$`));
    expect(JSON.parse((await harness.readOutput(report.reportBlob)).toString())).toEqual(report);
  });

  it('registers one version per key, tagged with the key, with its holdout metrics and data', async () => {
    const overview = await registry.model('oj-sales');
    expect(overview.versions).toHaveLength(9);
    for (const partition of oj) {
      const found = await registry.version({ name: 'oj-sales', tags: partition.key });
      const trained = report.trained.find((key) => key.path === partition.path)!;
      expect(found.version).toBe(trained.version);
      expect(found.card.tags).toEqual({
        ...partition.key,
        algorithm: 'ridge',
        trainingRun: run.runId,
        trainingKey: `${run.runId}/${partition.path}`,
      });
      expect(found.metrics).toEqual(trained.metrics);
      expect(found.card.training).toMatchObject({
        data: `${dataContainer}/oj/${partition.path}`,
        sourceRows: partition.rows,
        target: 'Quantity',
        alpha: trained.alpha,
        holdout: { periods: 8, rows: trained.holdoutRows },
      });
    }
  });

  it("each registered model's ONNX predictions equal the TypeScript model's on its rows (within 1e-4)", async () => {
    const pool = new InferencePool({ size: 1 });
    try {
      for (const partition of oj) {
        const info = await registry.resolve({ name: 'oj-sales', tags: partition.key });
        const { onnx, card } = await registry.load(info);
        const spec = (card.forecasting as { spec: ForecastFeatureSpec }).spec;
        const table = parseTrainingCsv(partition.text, partition.path);
        // The same training in TypeScript: same data, same options, so the same weights.
        const typescript = trainSeries(table, options, partition.path);
        expect(typescript.metrics).toEqual(info.metrics);
        const features = featuresFor(table, spec);
        expect(card.features).toEqual(features.names);
        const expected = predictLinear(typescript.model, features.x);
        const input = {
          data: Float32Array.from(features.x.values),
          dims: [features.x.rows, features.x.columns],
        };
        const model = { key: info.sha256, name: `oj-sales@${info.version}`, onnx };
        const output = (await pool.run(model, { input }, ['variable'])).variable;
        expect(output?.dims).toEqual([features.x.rows, 1]);
        const predicted = output?.data as Float64Array;
        const worst = Math.max(...Array.from(predicted, (value, r) => Math.abs(value - expected[r]!)));
        expect(worst).toBeLessThan(1e-4);
      }
    } finally {
      await pool.close();
    }
  });

  it('retrains only the failed key when asked, once its data is fixed', async () => {
    await upload('oj', asStore99(Infinity));
    const rerun = await trainAndWait({
      dataset: { container: dataContainer, prefix: 'oj' },
      model: 'oj-sales',
      ...options,
      keys: report.failed.map((key) => key.key),
    });
    expect(rerun.report).toMatchObject({ status: 'Succeeded', keys: { total: 1, trained: 1, failed: 0 } });
    const version = await registry.version({ name: 'oj-sales', tags: shortSeries.key });
    expect(version.version).toBe(10);
    expect(version.card.tags.trainingRun).toBe(rerun.runId);
  }, 150_000);
});

describe('a key whose transient fault outlasts the tries', () => {
  it('is tried maxAttempts times, then reported as retryable with the last reason', async () => {
    await upload('ojfault', asStore99(30));
    const other = { Store: '5', Brand: 'dominicks' };
    const run = await trainAndWait({
      dataset: { container: dataContainer, prefix: 'ojfault' },
      model: 'oj-fault',
      ...options,
      keys: [neverPasses, other],
      maxAttempts: 3,
      retryIntervalMs: 10,
    });
    expect(run.runtimeStatus).toBe('Completed');
    expect(run.report).toMatchObject({
      status: 'PartiallySucceeded',
      keys: { total: 2, trained: 1, failed: 1 },
      failed: [
        {
          key: neverPasses,
          path: 'Store=8/Brand=minute.maid.csv',
          reason:
            'Injected transient fault: trainManyKey ojfault/Store=8/Brand=minute.maid.csv, try 3 (DURABLE_SCORING_TEST_FAULTS).',
          retryable: true,
          attempts: 3,
        },
      ],
    });
    expect(run.report!.trained).toMatchObject([{ key: other, attempts: 1 }]);
    const model = await registry.model('oj-fault');
    expect(model.versions.map((v) => v.tags)).toMatchObject([other]);
  }, 150_000);
});

describe('the trainPartitions activity', () => {
  const workers = new WorkerPool({ size: 1 });
  const trainer = new PoolSeriesTrainer(workers);
  afterAll(() => workers.close());
  const services = {
    storage: harness.storage,
    registry,
    trainer,
    reportsContainer: 'unused',
    containers: new DataContainers({
      read: [dataContainer],
      write: [],
      appContainers: [],
      watchedContainers: [],
      settings: { read: 'DATA_READ_CONTAINERS', write: 'DATA_WRITE_CONTAINERS' },
    }),
    faults: TestFaults.none,
  };

  it('called again for the same run and key finds the version it registered instead of registering twice', async () => {
    const input = {
      runId: uniqueName('run'),
      model: 'oj-retry',
      dataset: { container: dataContainer, prefix: 'oj' },
      training: options,
      keyColumns: keys,
      partitions: [{ key: oj[1]!.key, path: oj[1]!.path }],
      attempt: 1,
    };
    const [first] = await trainPartitions(input, services);
    const [second] = await trainPartitions({ ...input, attempt: 2 }, services);
    expect(first).toMatchObject({ ok: true, version: 1, existing: false });
    expect(second).toMatchObject({ ok: true, version: 1, existing: true });
    expect(second).toMatchObject({
      metrics: (first as { metrics: object }).metrics,
      trainRows: (first as { trainRows: number }).trainRows,
    });
    // One version; the second call used up number 2 finding that out (no lookup before training).
    const model = await registry.model('oj-retry');
    expect(model.versions.map((v) => v.version)).toEqual([1]);
    expect(model.latestVersion).toBe(2);
  });

  it('reports a missing partition file as a failed key that is not retried', async () => {
    const [result] = await trainPartitions(
      {
        runId: uniqueName('run'),
        model: 'oj-missing',
        dataset: { container: dataContainer, prefix: 'oj' },
        training: options,
        keyColumns: keys,
        partitions: [{ key: { Store: '1', Brand: 'x' }, path: 'Store=1/Brand=x.csv' }],
        attempt: 1,
      },
      services,
    );
    expect(result).toEqual({
      ok: false,
      key: { Store: '1', Brand: 'x' },
      path: 'Store=1/Brand=x.csv',
      reason: `The partition file ${dataContainer}/oj/Store=1/Brand=x.csv does not exist`,
      retryable: false,
      attempts: 1,
    });
  });
});

describe('the HTTP API', () => {
  it.each([
    ['a body that is not JSON', '{"model":', 'The request body must be JSON.'],
    [
      'an unknown field',
      JSON.stringify({ dataset: { container: 'abc' }, model: 'm', target: 't', time: 'd', lag: [1] }),
      'Train request: Unrecognized key: "lag" (lag)',
    ],
    [
      'a bad model name',
      JSON.stringify({ dataset: { container: 'abc' }, model: 'a b', target: 't', time: 'd' }),
      'Train request field "model": letters, digits, ".", "_" or "-", starting with a letter or digit',
    ],
    [
      "a dataset in the host's key store",
      JSON.stringify({ dataset: { container: 'azure-webjobs-secrets' }, model: 'm', target: 't', time: 'd' }),
      `dataset.container: container "azure-webjobs-secrets" is not one jobs may read (DATA_READ_CONTAINERS: ${harness.input}, videos, training-data, ${dataContainer}).`,
    ],
  ])('refuses %s with 400', async (_what, body, error) => {
    const response = await api('many-models/train', { method: 'POST', body });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe(error);
  });

  it('a run over a data set without _partitions.json fails with the reason; an unknown run is 404', async () => {
    const run = await trainAndWait({
      dataset: { container: dataContainer, prefix: 'nothing' },
      model: 'none',
      ...options,
    });
    expect(run.report).toMatchObject({
      status: 'Failed',
      keys: { total: 0, trained: 0, failed: 0 },
      reason: `The data set's partitions could not be listed: ${dataContainer}/nothing/_partitions.json does not exist: partition the data set by its key columns first`,
    });
    expect((await api('many-models/train/no-such-run')).status).toBe(404);
  }, 150_000);
});
