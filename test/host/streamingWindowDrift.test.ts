import { readFileSync } from 'node:fs';
import { EventHubProducerClient } from '@azure/event-hubs';
import { DriftStore } from '../../src/runtime/drift/DriftStore';
import { StorageClients } from '../../src/storage/StorageClients';
import { computeBaseline, computePredictionBaseline } from '../../src/training/computeBaseline';
import { readNumericTable } from '../../src/training/readNumericTable';
import { referencePredictions } from '../support/scoringHarness';
import {
  directFeatures,
  readings,
  sensorFeatures as features,
  type Reading,
} from '../support/sensorReadings';
import { startStreamHost } from '../support/streamHost';
import type { TestHost } from '../support/TestHost';
import { until, type WindowRow } from '../support/windowStreamProbes';
import { uniqueName } from '../support/testStorage';

// Drift per stream window: the window stream's model carries a baseline of one window's features and
// of its predictions; a window of the same devices running 25 degrees hotter breaches. Its drift
// (manifest, streamWindows row, drift table, GET /api/models/{name}/drift) equals PSI and KS computed
// here from the features as the test computes them, and the card's retrainOnBreach starts a run.

const storage = new StorageClients(process.env.TEST_STORAGE_CONNECTION ?? '');
const hostId = uniqueName('wdrift');
const output = uniqueName('wdriftout');
const hub = uniqueName('wdrift');
const base = Date.parse('2026-06-01T10:00:00Z');
const onnx = readFileSync('models/diabetes/model.onnx');

// The baseline: 30 devices' features over one 10 s window, and the model's predictions on them.
const trainingFeatures = [...directFeatures(readings(base, 0, 10, 30, 1), base, 10_000).values()];
const trainingTable = readNumericTable(
  [features.join(','), ...trainingFeatures.map((row) => row.join(','))].join('\n'),
  'window features',
);
const baseline = computeBaseline(trainingTable, features);
const trainingPredictions = referencePredictions('models/diabetes/model.onnx', trainingFeatures).variable!;
const predictionBaseline = computePredictionBaseline(
  [{ name: 'variable', width: 1, values: Float32Array.from(trainingPredictions) }],
  trainingFeatures.length,
);
const card = {
  name: 'drifty',
  version: 1,
  features,
  outputs: ['variable'],
  task: 'regression',
  training: { data: 'window features', baseline, predictionBaseline },
  drift: { retrainOnBreach: true },
};
const stream = {
  name: 'hot',
  source: { hub },
  schema: { deviceId: 'string', at: 'timestamp', temp: 'number', rpm: 'number', vib: 'number' },
  key: 'deviceId',
  mode: 'window',
  window: { size: '10s', allowedLateness: '2s', eventTime: 'at', idleTimeout: '2m' },
  features,
  model: 'drifty@1',
  outputs: { folder: 'hot', format: 'jsonl' },
};
let host: TestHost;
let key: string;
let connection: string;

async function api<T>(route: string, init: RequestInit = {}): Promise<{ status: number; body: T }> {
  const response = await host.fetch(`/api/${route}`, {
    ...init,
    headers: { 'x-functions-key': key, 'content-type': 'application/json', ...init.headers },
  });
  return { status: response.status, body: (await response.json()) as T };
}

async function send(list: Reading[]): Promise<void> {
  const producer = new EventHubProducerClient(connection, hub);
  try {
    const batch = await producer.createBatch({ partitionKey: 'all' });
    for (const body of list) expect(batch.tryAdd({ body })).toBe(true);
    await producer.sendBatch(batch);
  } finally {
    await producer.close();
  }
}

// PSI and KS the plain way: shares of the float32 values (what the model is fed) in the baseline's
// bins, edges as float32 too, compared bin by bin and at each edge.
const f32 = (values: number[]) => values.map(Math.fround);
function direct(expectedShares: readonly number[], edges: readonly number[], values: number[]) {
  const bounds = [-Infinity, ...f32([...edges]), Infinity];
  const actual = expectedShares.map(
    (_, i) => f32(values).filter((v) => v > bounds[i]! && v <= bounds[i + 1]!).length / values.length,
  );
  let psi = 0;
  actual.forEach((share, i) => {
    const a = Math.max(share, 1e-4);
    const e = Math.max(expectedShares[i]!, 1e-4);
    psi += (a - e) * Math.log(a / e);
  });
  let ks = 0;
  for (let i = 0, ce = 0, ca = 0; i < actual.length - 1; i++) {
    ce += expectedShares[i]!;
    ca += actual[i]!;
    ks = Math.max(ks, Math.abs(ca - ce));
  }
  return { psi, ks };
}

beforeAll(async () => {
  ({ host, connection, key } = await startStreamHost({
    hostId,
    name: 'WindowDrift',
    streams: { hot: stream },
    settings: {
      RETRAIN_RUNS_TABLE: uniqueName('runs'),
      RETRAIN_RUNS_CONTAINER: uniqueName('runs'),
      SCORING_OUTPUT_CONTAINER: output,
    },
  }));
  const registered = await api('models/drifty/versions', {
    method: 'POST',
    body: JSON.stringify({ card, onnxBase64: onnx.toString('base64') }),
  });
  expect(registered.status).toBe(201);
});

afterAll(async () => {
  await host?.stop();
});

test('a hot window: its drift equals the direct computation, in the manifest, row and drift table; a retrain starts', async () => {
  const hot = readings(base, 0, 10, 30, 1).map((reading) => ({ ...reading, temp: reading.temp + 25 }));
  await send(hot);
  // A reading at +15 s passes window +0s's end + lateness: it closes.
  await send([{ ...hot[0]!, deviceId: 'closer', at: new Date(base + 15_000).toISOString() }]);
  const start = new Date(base).toISOString();
  const row = await until(
    'window +0s committed',
    async () => {
      const { body } = await api<{ windows: (WindowRow & { driftStatus?: string; manifest?: string })[] }>(
        'streams/hot/windows',
      );
      return body.windows.find((w) => w.windowStart === start && w.state === 'Committed');
    },
    () => host.output(),
  );
  expect(row).toMatchObject({ scoredRows: 30, driftStatus: 'breach' });

  const manifestPath = row.manifest!.slice(output.length + 1);
  const manifest = JSON.parse(
    (await storage.container(output).getBlobClient(manifestPath).downloadToBuffer()).toString(),
  ) as {
    drift: {
      status: string;
      rows: number;
      features: { name: string; psi: number; ks?: number; status: string }[];
      predictions: { name: string; psi: number; ks?: number; status: string }[];
      retrain?: { retrainRun: string; started: boolean };
    };
  };
  const { drift } = manifest;
  expect(drift).toMatchObject({ status: 'breach', rows: 30 });
  // The window's features, computed directly from the readings sent, and plain onnxruntime's predictions.
  const scored = [...directFeatures(hot, base, 10_000).values()];
  expect(drift.features.map((f) => f.name)).toEqual(features);
  drift.features.forEach((feature, j) => {
    const { edges, proportions } = baseline.features[feature.name]!;
    const expected = direct(
      proportions,
      edges,
      scored.map((values) => values[j]!),
    );
    expect(feature.psi).toBeCloseTo(expected.psi, 10);
    if (feature.ks !== undefined) expect(feature.ks).toBeCloseTo(expected.ks, 10);
  });
  expect(drift.features.find((f) => f.name === 'temp_mean')!.status).toBe('breach');
  expect(drift.features.find((f) => f.name === 'rpm_mean')!.status).toBe('ok');
  const predicted = referencePredictions('models/diabetes/model.onnx', scored).variable!;
  const { edges, proportions } = predictionBaseline.features.variable!;
  const expectedPrediction = direct(proportions, edges, predicted);
  // Plain onnxruntime and the app's pool may differ in the last float32 digit: one row at most moves.
  expect(Math.abs(drift.predictions[0]!.ks! - expectedPrediction.ks)).toBeLessThanOrEqual(1 / 30 + 1e-12);

  const id = `hot:${String(base).padStart(15, '0')}`;
  const rows = await new DriftStore(storage).rowsOf(`window:${id}`);
  expect(rows[0]).toMatchObject({ rowKey: 'window', status: 'breach', model: 'drifty', modelVersion: 1 });
  expect(rows.filter((r) => String(r.rowKey).startsWith('feature:'))).toHaveLength(features.length);
  expect(rows.find((r) => r.rowKey === 'prediction:variable')).toMatchObject({
    output: 'variable',
    psi: drift.predictions[0]!.psi,
  });
  const { body: history } = await api<{ records: { source: string; id: string; status: string }[] }>(
    'models/drifty/drift',
  );
  expect(history.records).toEqual([expect.objectContaining({ source: 'window', id, status: 'breach' })]);

  // The card has no training source: the run starts, then stops saying so.
  expect(drift.retrain).toMatchObject({ retrainRun: expect.stringMatching(/^drifty-drift-/), started: true });
  const run = await until(
    'the drift run',
    async () => {
      const { body } =
        await api<{ runId: string; trigger: string; status: string; requestReason?: string }[]>(
          'models/drifty/runs',
        );
      return body.find((r) => r.status !== 'Running');
    },
    () => host.output(),
  );
  expect(run).toMatchObject({ runId: drift.retrain!.retrainRun, trigger: 'drift', status: 'Stopped' });
  expect(run.requestReason).toContain(`window ${id}`);
}, 90_000);
