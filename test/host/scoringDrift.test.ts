import { readFileSync } from 'node:fs';
import { DriftStore } from '../../src/runtime/drift/DriftStore';
import type { JobRecord } from '../../src/scoring/JobStore';
import { computeBaseline, computePredictionBaseline } from '../../src/training/computeBaseline';
import { readNumericTable } from '../../src/training/readNumericTable';
import { numericColumn } from '../../src/training/TrainingTable';
import type { TrainingRunRecord } from '../../src/training/retrain/TrainingRunStore';
import { ScoringHarness, referencePredictions } from '../support/scoringHarness';
import { hostSecrets, uniqueName } from '../support/testStorage';
import { shiftColumn } from '../support/shiftColumn';

// Drift of batch jobs on the real host: a model registered with its training baseline and the
// baseline of its predictions scores its own training data (no drift) and a copy with bmi moved by
// three standard deviations (a breach of bmi and of the predictions); a model whose card sets
// drift.retrainOnBreach starts one retrain run for its breaching jobs.

const csv = readFileSync('test/fixtures/data/diabetes.csv', 'utf8');
const diabetes = readNumericTable(csv, 'diabetes.csv');
const features = diabetes.columns.filter((name) => name !== 'target');
// The model's own predictions on its training rows, straight from onnxruntime: its prediction baseline.
const predicted = referencePredictions(
  'models/diabetes/model.onnx',
  Array.from({ length: diabetes.rows }, (_, r) => features.map((name) => numericColumn(diabetes, name)[r]!)),
);
const predictionBaseline = computePredictionBaseline(
  [{ name: 'variable', width: 1, values: Float32Array.from(predicted.variable!) }],
  diabetes.rows,
);
const diabetesCard = JSON.parse(readFileSync('models/diabetes/model.json', 'utf8')) as Record<
  string,
  unknown
>;
const card = {
  ...diabetesCard,
  name: 'watched',
  training: {
    data: 'data/diabetes.csv',
    target: 'target',
    baseline: computeBaseline(diabetes, features),
    predictionBaseline,
  },
};
// The same, declaring that a breach retrains it (its retraining source: data/diabetes.csv).
const retrainedCard = { ...card, name: 'guarded', drift: { retrainOnBreach: true } };
const harness = new ScoringHarness({
  MODEL_REGISTRY_TABLE: uniqueName('models'),
  MODEL_REGISTRY_CONTAINER: uniqueName('models'),
  RETRAIN_RUNS_TABLE: uniqueName('runs'),
  RETRAIN_RUNS_CONTAINER: uniqueName('runs'),
  'AzureWebJobs.retrainOnSchedule.Disabled': 'true',
  // Several partitions, so the commit merges their counts.
  SCORING_PARTITION_BYTES: '8192',
});
let masterKey: string;

/** diabetes.csv with bmi + 3 standard deviations. */
beforeAll(async () => {
  await harness.start();
  masterKey = (await hostSecrets(harness.host.hostId)).masterKey.value;
  const container = await harness.storage.ensureContainer(harness.input);
  for (const [name, text] of [
    ['training.csv', csv],
    ['shifted.csv', shiftColumn(csv, 'bmi', 3)],
  ] as const)
    await container
      .getBlockBlobClient(name)
      .uploadData(Buffer.from(text), { metadata: { autoscore: 'false' } });
  const onnxBase64 = readFileSync('models/diabetes/model.onnx').toString('base64');
  for (const registering of [card, retrainedCard]) {
    const registered = await api(`models/${registering.name}/versions`, {
      method: 'POST',
      body: JSON.stringify({ card: registering, onnxBase64 }),
    });
    expect(registered.status).toBe(201);
  }
}, 120_000);

afterAll(async () => {
  await harness.host?.stop();
});

function api(path: string, init: RequestInit = {}): Promise<Response> {
  return harness.host.fetch(`/api/${path}`, {
    ...init,
    headers: { 'x-functions-key': masterKey, 'content-type': 'application/json', ...init.headers },
  });
}

interface Drift {
  status: string;
  reason?: string;
  threshold?: { psiWarning: number; psiBreach: number };
  features: { name: string; psi: number; ks?: number; status: string }[];
  predictions?: { name: string; psi: number; ks?: number; status: string }[];
  retrain?: { retrainRun: string; started: boolean };
}

/** Runs a job over HTTP to its end; its row (GET /api/jobs/{id}) and its manifest's drift. */
async function score(blob: string, model: string): Promise<{ job: JobRecord; drift: Drift }> {
  const started = await api('jobs', { method: 'POST', body: JSON.stringify({ input: { blob }, model }) });
  expect(started.status).toBe(202);
  const { id } = (await started.json()) as { id: string };
  await harness.waitForJob(id, 60_000);
  const job = (await (await api(`jobs/${id}`)).json()) as JobRecord;
  const manifest = JSON.parse((await harness.readOutput(job.manifest!)).toString()) as { drift: Drift };
  return { job, drift: manifest.drift };
}

describe('input drift per job', () => {
  it('the training data itself: every feature ok with PSI 0', async () => {
    const { job, drift } = await score('training.csv', 'watched@1');
    expect(job).toMatchObject({ status: 'Succeeded', driftStatus: 'ok' });
    expect(drift).toMatchObject({ status: 'ok', threshold: { psiWarning: 0.1, psiBreach: 0.25 } });
    expect(drift.features.map((f) => [f.name, f.psi, f.status])).toEqual(features.map((f) => [f, 0, 'ok']));
    // The app's predictions are onnxruntime's: their distribution is the baseline's, but for a
    // prediction on a bin's edge that a run over other batch sizes may round to the other side.
    const [prediction] = drift.predictions!;
    expect(prediction).toMatchObject({ name: 'variable', status: 'ok' });
    expect(prediction!.ks).toBeLessThanOrEqual(1 / diabetes.rows + 1e-12);
    expect(prediction!.psi).toBeLessThan(0.001);
  }, 90_000);

  it('bmi + 3 std: a breach on bmi only, in the manifest, the job row and the drift table', async () => {
    const { job, drift } = await score('shifted.csv', 'watched@1');
    expect(job).toMatchObject({ status: 'Succeeded', driftStatus: 'breach' });
    expect((await harness.jobs.get(job.jobId))?.driftStatus).toBe('breach');
    expect(drift.status).toBe('breach');
    const moved = drift.features.filter((f) => f.status !== 'ok');
    expect(moved.map((f) => f.name)).toEqual(['bmi']);
    expect(moved[0]!.psi).toBeGreaterThan(0.25);
    expect(moved[0]!.ks).toBeGreaterThan(0.7);
    const rows = await new DriftStore(harness.storage).rowsOf(job.jobId);
    expect(rows[0]).toMatchObject({ rowKey: 'job', status: 'breach', model: 'watched', modelVersion: 1 });
    expect(rows.find((row) => row.feature === 'bmi')).toMatchObject({ status: 'breach', psi: moved[0]!.psi });
    // Higher bmi, higher predicted progression: the predictions breach too, in their own row.
    const [prediction] = drift.predictions!;
    expect(prediction).toMatchObject({ name: 'variable', status: 'breach' });
    expect(prediction!.psi).toBeGreaterThan(0.25);
    expect(rows.find((row) => row.rowKey === 'prediction:variable')).toMatchObject({
      output: 'variable',
      psi: prediction!.psi,
      ks: prediction!.ks,
      status: 'breach',
    });
    expect(rows).toHaveLength(1 + features.length + 1);
    // The card does not ask for a retrain.
    expect(drift.retrain).toBeUndefined();
  }, 90_000);

  it('a model without a baseline records "no baseline" and driftStatus none', async () => {
    const { job, drift } = await score('training.csv', 'diabetes');
    expect(job).toMatchObject({ status: 'Succeeded', driftStatus: 'none' });
    expect(drift).toEqual({
      status: 'no baseline',
      reason: 'The model version has no training baseline.',
      features: [],
    });
  }, 90_000);

  it('GET /api/models/{name}/drift lists the jobs oldest first with each feature, within from/to', async () => {
    const response = await api('models/watched/drift');
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      model: string;
      records: {
        source: string;
        id: string;
        completedTime: string;
        status: string;
        features: (Drift['features'][number] & { kind: string })[];
      }[];
    };
    expect(body.model).toBe('watched');
    // The two jobs of the tests above, in the order they completed.
    expect(body.records.map((record) => [record.source, record.status])).toEqual([
      ['job', 'ok'],
      ['job', 'breach'],
    ]);
    const [first, second] = body.records;
    expect(first!.completedTime <= second!.completedTime).toBe(true);
    for (const record of body.records) {
      const rows = await new DriftStore(harness.storage).rowsOf(record.id);
      expect(record.features.map((f) => [f.name, f.kind, f.psi, f.status])).toEqual(
        rows
          .slice(1)
          .map((row) => [
            row.feature ?? row.output,
            row.feature ? 'input' : 'prediction',
            row.psi,
            row.status,
          ]),
      );
    }
    const later = await api(`models/watched/drift?from=${encodeURIComponent(second!.completedTime)}`);
    expect(((await later.json()) as { records: { id: string }[] }).records.map((r) => r.id)).toEqual([
      second!.id,
    ]);
    expect((await api('models/watched/drift?top=1')).ok).toBe(true);
    const bad = await api('models/watched/drift?from=yesterday');
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('from');
  }, 30_000);

  it('retrainOnBreach: the breaching jobs start one retrain run, trigger drift; an ok job none', async () => {
    const runs = async () =>
      (await (await api('models/guarded/runs')).json()) as (TrainingRunRecord & { requestReason?: string })[];
    const ok = await score('training.csv', 'guarded@1');
    expect(ok.job.driftStatus).toBe('ok');
    expect(ok.drift.retrain).toBeUndefined();
    expect(await runs()).toEqual([]);
    const first = await score('shifted.csv', 'guarded@1');
    const second = await score('shifted.csv', 'guarded@1');
    expect([first.job.driftStatus, second.job.driftStatus]).toEqual(['breach', 'breach']);
    // Both name the same run: one per model per hour of the breach (unless the hour turned between them).
    const runIds = new Set([first.drift.retrain!.retrainRun, second.drift.retrain!.retrainRun]);
    expect(first.drift.retrain).toMatchObject({
      retrainRun: expect.stringMatching(/^guarded-drift-/),
      started: true,
    });
    let listed = await runs();
    for (const deadline = Date.now() + 60_000; Date.now() < deadline;) {
      if (listed.length === runIds.size && listed.every((run) => run.status !== 'Running')) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
      listed = await runs();
    }
    expect(listed.map((run) => [run.runId, run.trigger])).toEqual([...runIds].map((id) => [id, 'drift']));
    expect(listed[0]!.requestReason).toContain(`job ${first.job.jobId}`);
    expect(listed[0]!.requestReason).toContain('bmi');
    // The version the run registered keeps the card's drift declaration, and has its own baselines.
    expect(listed[0]).toMatchObject({ candidateVersion: 2 });
    const { card: registered } = (await (await api('models/guarded/versions/2')).json()) as {
      card: { drift?: unknown; training: { predictionBaseline?: { rows: number } } };
    };
    expect(registered.drift).toEqual({ retrainOnBreach: true });
    expect(registered.training.predictionBaseline?.rows).toBeGreaterThan(0);
  }, 150_000);
});
