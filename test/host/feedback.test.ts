import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { FeedbackBatch } from '../../src/feedback/FeedbackStore';
import { readCsvRecords } from '../../src/feedback/readCsvRecords';
import { ModelRegistry } from '../../src/models/registry/ModelRegistry';
import { linearModelToOnnx } from '../../src/training/linearModelToOnnx';
import { r2Score } from '../../src/training/metrics';
import type { RunReport } from '../../src/training/retrain/retrainContracts';
import { testInspector } from '../unit/models/registryTestKit';
import { ScoringHarness } from '../support/scoringHarness';
import { hostSecrets, uniqueName } from '../support/testStorage';

// Feedback on the real host: the diabetes rows, each with an id, scored by version 1 (rows 0-199) and
// then version 2 (rows 150-299); a feedback file labels rows 100-249 and one unknown id. Each label
// must join the version that scored its row last, and the live R² per version must be the R² of those
// rows; the same file again counts nothing; a retrain on the feedback source trains on the joined set.

const features = ['age', 'sex', 'bmi', 'bp', 's1', 's2', 's3', 's4', 's5', 's6'];
const [header, ...lines] = readFileSync('test/fixtures/data/diabetes.csv', 'utf8').trim().split('\n');
const withIds = lines.map((line, i) => `p${i},${line}`);
const targets = lines.map((line) => line.split(',').at(-1)!);
const registryTable = uniqueName('models');
const registryContainer = uniqueName('models');
const feedbackContainer = uniqueName('fb');
const joinedContainer = uniqueName('fbjoined');
const harness = new ScoringHarness({
  MODEL_REGISTRY_TABLE: registryTable,
  MODEL_REGISTRY_CONTAINER: registryContainer,
  RETRAIN_RUNS_TABLE: uniqueName('runs'),
  RETRAIN_RUNS_CONTAINER: uniqueName('runs'),
  FEEDBACK_CONTAINER: feedbackContainer,
  FEEDBACK_JOINED_CONTAINER: joinedContainer,
  FEEDBACK_TABLE: uniqueName('feedback'),
  LIVE_METRICS_TABLE: uniqueName('live'),
});
const feedbackCsv =
  'id,label\n' +
  [...Array.from({ length: 150 }, (_, k) => `p${100 + k},${targets[100 + k]}`), 'nope,1'].join('\n') +
  '\n';
let masterKey: string;
/** Job id and its output's prediction by row id, per version. */
const scored = new Map<number, { jobId: string; predictions: Map<string, string> }>();
let batch: FeedbackBatch;

function api(path: string, init: RequestInit = {}): Promise<Response> {
  return harness.host.fetch(`/api/${path}`, {
    ...init,
    headers: { 'x-functions-key': masterKey, 'content-type': 'application/json', ...init.headers },
  });
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} after ${timeoutMs} ms.\n${harness.host.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function csvRecords(bytes: Buffer): Promise<string[][]> {
  const records: string[][] = [];
  for await (const record of readCsvRecords([bytes])) records.push(record);
  return records;
}

async function score(version: number, from: number, to: number): Promise<void> {
  const blob = `rows-${version}.csv`;
  await (
    await harness.storage.ensureContainer(harness.input)
  )
    .getBlockBlobClient(blob)
    .uploadData(Buffer.from([`id,${header}`, ...withIds.slice(from, to)].join('\n') + '\n'), {
      metadata: { autoscore: 'false' },
    });
  const started = await api('jobs', {
    method: 'POST',
    body: JSON.stringify({
      input: { blob },
      model: `fb@${version}`,
      output: { passThrough: ['id', ...features] },
    }),
  });
  const { id } = (await started.json()) as { id: string };
  const job = await harness.waitForJob(id, 60_000);
  expect(job.status).toBe('Succeeded');
  const [columns, ...rows] = await csvRecords(await harness.readOutput(job.output!));
  const at = columns!.indexOf('variable');
  scored.set(version, { jobId: id, predictions: new Map(rows.map((row) => [row[0]!, row[at]!])) });
}

beforeAll(async () => {
  await harness.start();
  masterKey = (await hostSecrets(harness.host.hostId)).masterKey.value;
  const registry = new ModelRegistry({
    storage: harness.storage,
    table: registryTable,
    container: registryContainer,
    inspector: testInspector(),
  });
  const card = {
    features,
    outputs: ['variable'],
    task: 'regression',
    tags: { algorithm: 'ridge' },
    training: { data: 'hand-made', target: 'target' },
    retraining: { source: { feedback: { minRows: 20 } } },
  };
  const producer = 'feedback tests';
  await registry.register({ name: 'fb', onnx: readFileSync('models/diabetes/model.onnx'), card, producer });
  // Version 2 predicts the mean for everyone: its rows are told apart by their predictions.
  const mean = Buffer.from(linearModelToOnnx({ weights: new Float64Array(10), intercept: 152 }));
  await registry.register({ name: 'fb', onnx: mean, card, producer });
  await registry.setStage('fb', 1, 'Production', { by: 'tests', reason: 'first model' });
  await score(1, 0, 200);
  await score(2, 150, 300);
  await (
    await harness.storage.ensureContainer(feedbackContainer)
  )
    .getBlockBlobClient('fb/first.csv')
    .uploadData(Buffer.from(feedbackCsv));
  batch = await until('No joined feedback batch', async () => {
    const { batches } = (await (await api('models/fb/feedback')).json()) as { batches: FeedbackBatch[] };
    return batches.find((row) => row.status !== 'Joining');
  });
}, 120_000);

afterAll(async () => {
  await harness.host?.stop();
});

describe('feedback', () => {
  it('joins each labelled row with the version that scored it last, and counts the unknown id', async () => {
    expect(batch).toMatchObject({
      status: 'Joined',
      source: `blob ${feedbackContainer}/fb/first.csv`,
      rows: 151,
      joined: 150,
      unjoined: 1,
      unjoinedIds: ['nope'],
      versions: { '1': 50, '2': 100 },
    });
    const [columns, ...rows] = await csvRecords(await harness.read(joinedContainer, batch.joinedSet!));
    expect(columns).toEqual(['id', ...features, 'variable', 'target', 'modelVersion', 'jobId']);
    for (const row of rows) {
      const k = Number(row[0]!.slice(1));
      const version = k < 150 ? 1 : 2;
      const { jobId, predictions } = scored.get(version)!;
      expect(row.slice(-4)).toEqual([predictions.get(row[0]!), targets[k], String(version), jobId]);
    }
    expect(rows.map((row) => row[0])).toEqual(Array.from({ length: 150 }, (_, k) => `p${100 + k}`));
  });

  it("serves the live R² per version: the R² of that version's joined rows", async () => {
    const response = await api('models/fb/live-metrics?bucket=hour');
    expect(response.status).toBe(200);
    const live = (await response.json()) as {
      metric: string;
      points: { version: number; bucket: string; n: number; value: number }[];
    };
    expect(live.metric).toBe('r2');
    expect(live.points.map(({ version, n, bucket }) => [version, n, bucket])).toEqual([
      [1, 50, `${batch.receivedTime.slice(0, 13)}:00:00.000Z`],
      [2, 100, `${batch.receivedTime.slice(0, 13)}:00:00.000Z`],
    ]);
    for (const [version, from, to] of [
      [1, 100, 150],
      [2, 150, 250],
    ] as const) {
      const ids = Array.from({ length: to - from }, (_, k) => from + k);
      const predictions = ids.map((k) => Number(scored.get(version)!.predictions.get(`p${k}`)));
      const expected = r2Score(
        ids.map((k) => Number(targets[k])),
        predictions,
      );
      expect(live.points.find((point) => point.version === version)!.value).toBeCloseTo(expected, 9);
    }
  });

  it('counts nothing twice when the same file comes again, by blob or by request', async () => {
    const before = await (await api('models/fb/live-metrics?bucket=hour')).json();
    await (
      await harness.storage.ensureContainer(feedbackContainer)
    )
      .getBlockBlobClient('fb/again.csv')
      .uploadData(Buffer.from(feedbackCsv));
    await harness.host.waitForLog(/fb\/again\.csv was joined before/, 30_000);
    const posted = await api('models/fb/feedback', {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: feedbackCsv,
    });
    expect(posted.status).toBe(200);
    expect(await posted.json()).toMatchObject({ sha256: batch.sha256, alreadyJoined: true, joined: 150 });
    expect(await (await api('models/fb/live-metrics?bucket=hour')).json()).toEqual(before);
    const { batches } = (await (await api('models/fb/feedback')).json()) as { batches: FeedbackBatch[] };
    expect(batches).toHaveLength(1);
  });

  it('refuses a bad request naming the row and field', async () => {
    const response = await api('models/fb/feedback', {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: 'id,label\np1,12\np2,many\n',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: 'request body row 2: the label "many" is not a number (the model is a regression).',
      field: 'label',
    });
  });

  it('keeps a bad dropped file as a Failed batch whose reason names the row', async () => {
    await (
      await harness.storage.ensureContainer(feedbackContainer)
    )
      .getBlockBlobClient('fb/bad.csv')
      .uploadData(Buffer.from('id,label\np1,12\np1,13\n'));
    await harness.host.waitForLog(/fb\/bad\.csv refused/, 30_000);
    const { batches } = (await (await api('models/fb/feedback')).json()) as { batches: FeedbackBatch[] };
    expect(batches.find((row) => row.source.endsWith('bad.csv'))).toMatchObject({
      status: 'Failed',
      source: `blob ${feedbackContainer}/fb/bad.csv`,
      reason: `blob ${feedbackContainer}/fb/bad.csv row 2: id "p1" is given again (row 1).`,
    });
  });

  it('retrains on the joined set: the run report names its SHA-256', async () => {
    const joined = await harness.read(joinedContainer, batch.joinedSet!);
    const started = await api('models/fb/retrain', { method: 'POST', body: '{}' });
    expect(started.status).toBe(202);
    const { runId } = (await started.json()) as { runId: string };
    const run = await until('The retrain run has not ended', async () => {
      const view = (await (await api(`models/fb/runs/${runId}`)).json()) as {
        runtimeStatus?: string;
        report?: RunReport;
      };
      return view.runtimeStatus === 'Completed' ? view : undefined;
    });
    expect(run.report?.data).toMatchObject({
      reference: 'feedback fb',
      sha256: createHash('sha256').update(joined).digest('hex'),
      rows: 150,
    });
    expect(run.report?.candidate).toMatchObject({ trainRows: 120, holdoutRows: 30 });
  }, 60_000);
});
