import type { Worker } from 'node:worker_threads';
import { TransientError, ValidationError } from '../../../../src/errors';
import { InferencePool } from '../../../../src/runtime/inference/InferencePool';
import { fixtureIo, fixtureModel, handle } from './testModels';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fixturesDir } from './testModels';

/** The io.json input row repeated `rows` times, with row 1 (if any) all zeros to check row order. */
function repeatedRows(folder: string, rows: number): { data: Float32Array; dims: number[] } {
  const row = fixtureIo(folder).input?.data ?? [];
  const data = new Float32Array(rows * row.length);
  for (let r = 0; r < rows; r++) if (r !== 1) data.set(row, r * row.length);
  return { data, dims: [rows, row.length] };
}

describe('InferencePool on real models', () => {
  const pool = new InferencePool({ size: 2 });
  afterAll(() => pool.close());

  it.each([
    ['xgboost_regressor_tree', 'variable', 1e-6],
    ['lgbm_regressor_tensor', 'output', 1e-6],
  ])('%s gives its expected output on every row', async (folder, output, tolerance) => {
    const expected = fixtureIo(folder)[output]?.data[0] ?? NaN;
    const result = await pool.run(fixtureModel(folder), { input: repeatedRows(folder, 5) }, [output]);
    const values = Array.from(result[output]?.data as Float32Array);
    expect(result[output]?.dims).toEqual([5, 1]);
    expect(result[output]?.type).toBe('float32');
    for (const r of [0, 2, 3, 4]) expect(Math.abs((values[r] ?? NaN) - expected)).toBeLessThan(tolerance);
    expect(values[1]).not.toBeCloseTo(expected, 6);
  });

  it('xgboost classifier gives label and probabilities tensors', async () => {
    const folder = 'xgboost_classifier_tree';
    const expected = fixtureIo(folder).probabilities?.data ?? [];
    const result = await pool.run(fixtureModel(folder), { input: repeatedRows(folder, 3) }, [
      'label',
      'probabilities',
    ]);
    expect(result.label).toMatchObject({ dims: [3], type: 'int64' });
    expect(Object.prototype.toString.call(result.label?.data)).toBe('[object BigInt64Array]');
    expect((result.label?.data as BigInt64Array)[0]).toBe(0n);
    expect(result.probabilities?.dims).toEqual([3, 3]);
    const probabilities = Array.from(result.probabilities?.data as Float32Array);
    probabilities
      .slice(0, 3)
      .forEach((p, k) => expect(Math.abs(p - (expected[k] ?? NaN))).toBeLessThan(1e-6));
    probabilities
      .slice(6, 9)
      .forEach((p, k) => expect(Math.abs(p - (expected[k] ?? NaN))).toBeLessThan(1e-6));
  });

  it('linear_regressor (no io.json) is affine: f(x) = f(0) + Σ xⱼ (f(eⱼ) − f(0))', async () => {
    // Rows: 0, the 21 unit vectors, then 3 arbitrary rows.
    const features = 21;
    const arbitrary = [0, 1, 2].map((k) =>
      Array.from({ length: features }, (_, j) => Math.sin(j + 7 * k) * 3),
    );
    const rows = 1 + features + arbitrary.length;
    const data = new Float32Array(rows * features);
    for (let j = 0; j < features; j++) data[(1 + j) * features + j] = 1;
    arbitrary.forEach((row, k) => data.set(row, (1 + features + k) * features));
    const result = await pool.run(
      fixtureModel('linear_regressor'),
      { input: { data, dims: [rows, features] } },
      ['variable'],
    );
    const y = Array.from(result.variable?.data as Float32Array);
    const f0 = y[0] ?? NaN;
    arbitrary.forEach((row, k) => {
      const predicted = row.reduce((sum, x, j) => sum + Math.fround(x) * ((y[1 + j] ?? NaN) - f0), f0);
      expect(Math.abs((y[1 + features + k] ?? NaN) - predicted)).toBeLessThan(
        1e-3 * Math.max(1, Math.abs(predicted)),
      );
    });
  });

  it('answers many concurrent runs of several models, each with its own rows', async () => {
    const models = ['xgboost_regressor_tree', 'lgbm_regressor_tensor'] as const;
    const outputs = { xgboost_regressor_tree: 'variable', lgbm_regressor_tensor: 'output' } as const;
    const runs = Array.from({ length: 20 }, (_, i) => {
      const folder = models[i % 2] as (typeof models)[number];
      const rows = 1 + i;
      return pool
        .run(fixtureModel(folder), { input: repeatedRows(folder, rows) }, [outputs[folder]])
        .then((result) => ({ folder, rows, dims: result[outputs[folder]]?.dims }));
    });
    for (const [i, run] of (await Promise.all(runs)).entries()) expect(run.dims).toEqual([1 + i, 1]);
  });

  it('transfers inputs when asked (the caller arrays are detached) and copies them otherwise', async () => {
    const model = fixtureModel('xgboost_regressor_tree');
    const kept = repeatedRows('xgboost_regressor_tree', 4);
    await pool.run(model, { input: kept }, ['variable']);
    expect(kept.data.length).toBe(52);
    const given = repeatedRows('xgboost_regressor_tree', 4);
    const result = await pool.run(model, { input: given }, ['variable'], { transferInputs: true });
    expect(given.data.length).toBe(0);
    expect(result.variable?.dims).toEqual([4, 1]);
  });

  it('a model that fails to load is a ValidationError naming it, with the runtime reason', async () => {
    const onnx = readFileSync(path.join(fixturesDir, 'negative/superres_prepost_op18.onnx'));
    const error: unknown = await pool
      .run(handle('superres', onnx), { input: { data: new Float32Array(1), dims: [1] } }, ['y'])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toMatch(
      /^Model "superres" cannot be loaded by onnxruntime: .*DecodeImage/,
    );
  });

  it('a run that fails names the model and the reason; the pool keeps working', async () => {
    const model = fixtureModel('xgboost_regressor_tree');
    const wrongWidth = { data: new Float32Array(2 * 5), dims: [2, 5] };
    await expect(pool.run(model, { input: wrongWidth }, ['variable'])).rejects.toThrow(
      /^Model "xgboost_regressor_tree" failed to run: .*(dimension|Got invalid dimensions).*/i,
    );
    await expect(pool.run(model, { input: wrongWidth }, ['nope'])).rejects.toThrow(
      /^Model "xgboost_regressor_tree" failed to run: .*nope/,
    );
    const ok = await pool.run(model, { input: repeatedRows('xgboost_regressor_tree', 2) }, ['variable']);
    expect(ok.variable?.dims).toEqual([2, 1]);
  });
});

/** Gives the test a way to kill a worker, as a crash would. */
class CrashablePool extends InferencePool {
  terminateWorker(index: number): Promise<number> {
    return (this.workerThreads()[index] as Worker).terminate();
  }
}

describe('InferencePool workers', () => {
  it('replaces a worker that dies mid-run: the run fails with a TransientError naming the model', async () => {
    const pool = new CrashablePool({ size: 1 });
    try {
      const model = fixtureModel('lgbm_regressor_tensor');
      const running = pool.run(model, { input: repeatedRows('lgbm_regressor_tensor', 100_000) }, ['output']);
      await pool.terminateWorker(0);
      const error: unknown = await running.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TransientError);
      expect((error as Error).message).toMatch(
        /^Inference worker stopped while running model "lgbm_regressor_tensor"/,
      );
      const again = await pool.run(model, { input: repeatedRows('lgbm_regressor_tensor', 3) }, ['output']);
      expect(again.output?.dims).toEqual([3, 1]);
    } finally {
      await pool.close();
    }
  });

  it('reloads a model its worker evicted from the session cache', async () => {
    const pool = new InferencePool({ size: 1, maxSessionsPerWorker: 1 });
    try {
      const a = fixtureModel('xgboost_regressor_tree');
      const b = fixtureModel('lgbm_regressor_tensor');
      for (let round = 0; round < 3; round++) {
        const ra = await pool.run(a, { input: repeatedRows('xgboost_regressor_tree', 2) }, ['variable'], {
          transferInputs: true,
        });
        const rb = await pool.run(b, { input: repeatedRows('lgbm_regressor_tensor', 2) }, ['output'], {
          transferInputs: true,
        });
        expect((ra.variable?.data as Float32Array)[0]).toBeCloseTo(
          fixtureIo('xgboost_regressor_tree').variable?.data[0] ?? NaN,
          5,
        );
        expect((rb.output?.data as Float32Array)[0]).toBeCloseTo(
          fixtureIo('lgbm_regressor_tensor').output?.data[0] ?? NaN,
          5,
        );
      }
    } finally {
      await pool.close();
    }
  });

  it('rejects runs after close', async () => {
    const pool = new InferencePool({ size: 1 });
    await pool.close();
    await expect(
      pool.run(fixtureModel('linear_regressor'), { input: { data: new Float32Array(21), dims: [1, 21] } }, [
        'variable',
      ]),
    ).rejects.toThrow('InferencePool is closed');
  });
});
