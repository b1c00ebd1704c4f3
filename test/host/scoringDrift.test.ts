import { readFileSync } from 'node:fs';
import { DriftStore } from '../../src/runtime/drift/DriftStore';
import type { JobRecord } from '../../src/scoring/JobStore';
import { computeBaseline, presentValues } from '../../src/training/computeBaseline';
import { readNumericTable } from '../../src/training/readNumericTable';
import { ScoringHarness } from '../support/scoringHarness';
import { hostSecrets, uniqueName } from '../support/testStorage';

// Input drift of batch jobs on the real host: a model registered with its training baseline scores
// its own training data (no drift) and a copy with bmi moved by three standard deviations (a breach).

const csv = readFileSync('test/fixtures/data/diabetes.csv', 'utf8');
const diabetes = readNumericTable(csv, 'diabetes.csv');
const features = diabetes.columns.filter((name) => name !== 'target');
const card = {
  ...(JSON.parse(readFileSync('models/diabetes/model.json', 'utf8')) as Record<string, unknown>),
  name: 'watched',
  training: { data: 'data/diabetes.csv', baseline: computeBaseline(diabetes, features) },
};
const harness = new ScoringHarness({
  MODEL_REGISTRY_TABLE: uniqueName('models'),
  MODEL_REGISTRY_CONTAINER: uniqueName('models'),
  // Several partitions, so the commit merges their counts.
  SCORING_PARTITION_BYTES: '8192',
});
let masterKey: string;

/** diabetes.csv with bmi + 3 standard deviations. */
function shiftedCsv(): string {
  const bmi = presentValues(diabetes, 'bmi');
  const mean = bmi.reduce((sum, v) => sum + v, 0) / bmi.length;
  const std = Math.sqrt(bmi.reduce((sum, v) => sum + (v - mean) ** 2, 0) / bmi.length);
  const [header, ...lines] = csv.trim().split('\n');
  const at = header!.split(',').indexOf('bmi');
  const moved = lines.map((line) =>
    line
      .split(',')
      .map((cell, i) => (i === at ? String(Number(cell) + 3 * std) : cell))
      .join(','),
  );
  return [header, ...moved].join('\n') + '\n';
}

beforeAll(async () => {
  await harness.start();
  masterKey = (await hostSecrets(harness.host.hostId)).masterKey.value;
  const container = await harness.storage.ensureContainer(harness.input);
  for (const [name, text] of [
    ['training.csv', csv],
    ['shifted.csv', shiftedCsv()],
  ] as const)
    await container
      .getBlockBlobClient(name)
      .uploadData(Buffer.from(text), { metadata: { autoscore: 'false' } });
  const registered = await api('models/watched/versions', {
    method: 'POST',
    body: JSON.stringify({ card, onnxBase64: readFileSync('models/diabetes/model.onnx').toString('base64') }),
  });
  expect(registered.status).toBe(201);
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
    expect(rows).toHaveLength(1 + features.length);
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
        features: Drift['features'];
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
      expect(record.features.map((f) => [f.name, f.psi, f.status])).toEqual(
        rows.slice(1).map((row) => [row.feature, row.psi, row.status]),
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
});
