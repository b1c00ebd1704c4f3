import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { InferencePool } from '../../../src/runtime/inference/InferencePool';
import { loadBundledModel } from '../../../src/models/loadBundledModel';
import { predictLinear } from '../../../src/training/fitRidge';
import { diabetesFeatures, trainDiabetes } from '../../../src/training/trainDiabetes';

const repoRoot = path.join(__dirname, '../../..');
let root: string;
let trained: Awaited<ReturnType<typeof trainDiabetes>>;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'train-diabetes-'));
  await mkdir(path.join(root, 'data'));
  await copyFile(
    path.join(repoRoot, 'test/fixtures/data/diabetes.csv'),
    path.join(root, 'data/diabetes.csv'),
  );
  trained = await trainDiabetes({ root, createdAt: new Date('2026-01-02T03:04:05Z') });
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('trainDiabetes', () => {
  it('fits ridge regression with the R² of the training data in its card', () => {
    expect(trained.x.rows).toBe(442);
    expect(trained.card.metrics.r2).toBeCloseTo(0.5176, 4);
    expect(trained.card).toMatchObject({
      name: 'diabetes',
      version: 1,
      features: [...diabetesFeatures],
      outputs: ['variable'],
      task: 'regression',
      stage: 'production',
      training: { data: 'data/diabetes.csv', rows: 442 },
      createdAt: '2026-01-02T03:04:05.000Z',
    });
  });

  it('onnxruntime predictions equal the TypeScript ridge predictions within 1e-4 on all 442 rows', async () => {
    // Through the pool: onnxruntime-node's float64 outputs fail its own instanceof check on jest's main thread.
    const pool = new InferencePool({ size: 1 });
    try {
      const input = { data: Float32Array.from(trained.x.values), dims: [442, 10] };
      const model = { key: trained.card.sha256 ?? '', name: 'diabetes', onnx: trained.onnx };
      const output = (await pool.run(model, { input }, ['variable'])).variable;
      expect(output?.dims).toEqual([442, 1]);
      const onnx = output?.data as Float64Array;
      const typescript = trained.predictions;
      const maxDiff = Math.max(...Array.from(onnx, (value, r) => Math.abs(value - (typescript[r] ?? NaN))));
      expect(maxDiff).toBeLessThan(1e-4);
      // On the float32 values the model actually receives, the graph's float64 arithmetic is exact.
      const rounded = { ...trained.x, values: Float64Array.from(Float32Array.from(trained.x.values)) };
      const onRounded = predictLinear(trained.model, rounded);
      expect(
        Math.max(...Array.from(onnx, (value, r) => Math.abs(value - (onRounded[r] ?? NaN)))),
      ).toBeLessThan(1e-9);
    } finally {
      await pool.close();
    }
  });

  it('writes model.onnx and a model.json that loadBundledModel accepts (sha256 checked)', async () => {
    const model = await loadBundledModel(path.join(root, 'models'), 'diabetes@production');
    expect(model.sha256).toBe(trained.card.sha256);
    expect(Buffer.compare(model.onnx, Buffer.from(trained.onnx))).toBe(0);
    expect(model.card).toEqual(trained.card);
  });

  it('is deterministic, and the committed models/diabetes is what it trains', async () => {
    const committed = await readFile(path.join(repoRoot, 'models/diabetes/model.onnx'));
    expect(Buffer.compare(committed, Buffer.from(trained.onnx))).toBe(0);
    const card = JSON.parse(await readFile(path.join(repoRoot, 'models/diabetes/model.json'), 'utf8'));
    expect({ ...card, createdAt: undefined }).toEqual({ ...trained.card, createdAt: undefined });
  });
});
