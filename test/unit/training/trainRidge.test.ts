import { readFileSync } from 'node:fs';
import path from 'node:path';
import { InferencePool } from '../../../src/runtime/inference/InferencePool';
import { fitRidge, predictLinear } from '../../../src/training/fitRidge';
import { linearModelToOnnx } from '../../../src/training/linearModelToOnnx';
import { evaluateRegression, rootMeanSquaredError } from '../../../src/training/metrics';
import { readNumericTable } from '../../../src/training/readNumericTable';
import { splitHoldout } from '../../../src/training/splitHoldout';
import { defaultRidgeAlphas, trainRidge } from '../../../src/training/trainRidge';
import {
  designMatrix,
  numericColumn,
  selectRows,
  type TrainingTable,
} from '../../../src/training/TrainingTable';

const diabetes = readNumericTable(
  readFileSync(path.join(__dirname, '../../fixtures/data/diabetes.csv'), 'utf8'),
  'diabetes.csv',
);
const features = diabetes.columns.filter((name) => name !== 'target');

/** Out-of-fold predictions of 5 interleaved folds, each fold's model refitted on the other rows. */
function manualFoldPredictions(
  table: TrainingTable,
  names: readonly string[],
  target: string,
  alpha: number,
): Float64Array {
  const predictions = new Float64Array(table.rows);
  const rows = Array.from({ length: table.rows }, (_, r) => r);
  for (let fold = 0; fold < 5; fold++) {
    const train = selectRows(
      table,
      rows.filter((r) => r % 5 !== fold),
    );
    const test = rows.filter((r) => r % 5 === fold);
    const model = fitRidge(designMatrix(train, names), numericColumn(train, target), alpha);
    const out = predictLinear(model, designMatrix(selectRows(table, test), names));
    test.forEach((r, i) => (predictions[r] = out[i]!));
  }
  return predictions;
}

/**
 * Ridge by another route: the augmented normal equations [n, 1ᵀZ; Zᵀ1, ZᵀZ + αI]·[b; w] = [Σy; Zᵀy] on
 * standardised Z, solved by Gaussian elimination with partial pivoting, then mapped back to raw features.
 */
function closedFormRidge(table: TrainingTable, alpha: number): { weights: number[]; intercept: number } {
  const columns = features.map((name) => Array.from(numericColumn(table, name)));
  const y = Array.from(numericColumn(table, 'target'));
  const n = y.length;
  const means = columns.map((c) => c.reduce((a, b) => a + b, 0) / n);
  const stds = columns.map((c, j) => Math.sqrt(c.reduce((a, v) => a + (v - means[j]!) ** 2, 0) / n));
  const z = columns.map((c, j) => c.map((v) => (v - means[j]!) / stds[j]!));
  const design = [y.map(() => 1), ...z];
  const size = design.length;
  const a = design.map((u, i) => [
    ...design.map((v, k) => u.reduce((s, ur, r) => s + ur * v[r]!, 0) + (i === k && i > 0 ? alpha : 0)),
    u.reduce((s, ur, r) => s + ur * y[r]!, 0),
  ]);
  for (let col = 0; col < size; col++) {
    const pivot = a.reduce(
      (best, row, r) => (r >= col && Math.abs(row[col]!) > Math.abs(a[best]![col]!) ? r : best),
      col,
    );
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    for (let r = col + 1; r < size; r++) {
      const factor = a[r]![col]! / a[col]![col]!;
      for (let c = col; c <= size; c++) a[r]![c]! -= factor * a[col]![c]!;
    }
  }
  const solution = new Array<number>(size).fill(0);
  for (let r = size - 1; r >= 0; r--) {
    let sum = a[r]![size]!;
    for (let c = r + 1; c < size; c++) sum -= a[r]![c]! * solution[c]!;
    solution[r] = sum / a[r]![r]!;
  }
  const weights = solution.slice(1).map((w, j) => w / stds[j]!);
  const intercept = solution[0]! - weights.reduce((s, w, j) => s + w * means[j]!, 0);
  return { weights, intercept };
}

describe('trainRidge', () => {
  it('matches the closed-form solution on diabetes (alpha 1 and the alpha CV chose)', () => {
    const chosen = trainRidge(diabetes, { features, target: 'target' });
    for (const alpha of [1, chosen.alpha, 100]) {
      const trained =
        alpha === chosen.alpha
          ? chosen
          : trainRidge(diabetes, { features, target: 'target', alphas: [alpha] });
      const expected = closedFormRidge(diabetes, alpha);
      expected.weights.forEach((w, j) => {
        expect(Math.abs((trained.model.weights[j] ?? NaN) - w)).toBeLessThan(1e-9 * Math.max(1, Math.abs(w)));
      });
      expect(trained.model.intercept).toBeCloseTo(expected.intercept, 8);
    }
    expect(chosen.trainingMetrics.r2).toBeGreaterThan(0.5);
  });

  it('reports R² on a fixed 80/20 holdout of diabetes in a sane range', () => {
    const split = splitHoldout(diabetes.rows, { fraction: 0.2, seed: 42 });
    expect(split.holdout).toHaveLength(88);
    const trained = trainRidge(selectRows(diabetes, split.train), { features, target: 'target' });
    const holdout = selectRows(diabetes, split.holdout);
    const metrics = evaluateRegression(
      numericColumn(holdout, 'target'),
      predictLinear(trained.model, designMatrix(holdout, features)),
    );
    console.log(
      `diabetes ridge, alpha ${trained.alpha} by 5-fold CV, holdout of 88 rows (seed 42): ` +
        `R² ${metrics.r2.toFixed(4)}, RMSE ${metrics.rmse.toFixed(2)}, MAE ${metrics.mae.toFixed(2)}`,
    );
    expect(metrics.r2).toBeGreaterThan(0.3);
    expect(metrics.r2).toBeLessThan(0.7);
    expect(metrics.rmse).toBeGreaterThan(40);
    expect(metrics.rmse).toBeLessThan(70);
  });

  it('picks the alpha with the lowest out-of-fold RMSE, and its score is the one a manual 5-fold gives', () => {
    const trained = trainRidge(diabetes, { features, target: 'target' });
    expect(trained.crossValidation.map((s) => s.alpha)).toEqual(defaultRidgeAlphas);
    const lowest = Math.min(...trained.crossValidation.map((s) => s.rmse));
    expect(trained.crossValidation.find((s) => s.alpha === trained.alpha)?.rmse).toBe(lowest);
    for (const score of [trained.crossValidation[0]!, trained.crossValidation[12]!]) {
      const y = numericColumn(diabetes, 'target');
      const predictions = manualFoldPredictions(diabetes, features, 'target', score.alpha);
      expect(score.rmse).toBeCloseTo(rootMeanSquaredError(y, predictions), 9);
    }
  });

  it('chooses the smallest alpha for an exact relation and the largest for pure noise', () => {
    const rows = 120;
    const x = Array.from({ length: 4 }, (_, j) =>
      Float64Array.from({ length: rows }, (_, r) => Math.sin(r * (j + 1.7))),
    );
    const exact = Float64Array.from({ length: rows }, (_, r) => 3 * x[0]![r]! - 2 * x[1]![r]! + x[3]![r]!);
    const noise = Float64Array.from({ length: rows }, (_, r) => (Math.sin(r * 12.9898) * 43758.5453) % 1);
    const table = (target: Float64Array): TrainingTable => ({
      columns: ['a', 'b', 'c', 'd', 'y'],
      values: [...x, target],
      rows,
    });
    const options = { features: ['a', 'b', 'c', 'd'], target: 'y', alphas: [0.001, 1, 1000] };
    expect(trainRidge(table(exact), options).alpha).toBe(0.001);
    expect(trainRidge(table(noise), options).alpha).toBe(1000);
  });

  it('matches per-fold refits when a column is constant, varies in one fold only, or sits far from 0', () => {
    const rows = 200;
    const columns = {
      constant: Float64Array.from({ length: rows }, () => 0.1),
      // Non-zero only in fold 2 (rows 2, 7, 12, …): constant in every other fold's training rows but one.
      oneFold: Float64Array.from({ length: rows }, (_, r) => (r % 5 === 2 ? (r % 3) + 1 : 0)),
      // Weekly quantities around 1e7 that vary by a few units: a naive sum of squares cancels badly.
      far: Float64Array.from({ length: rows }, (_, r) => 1e7 + Math.sin(r * 0.7) * 3),
      plain: Float64Array.from({ length: rows }, (_, r) => Math.cos(r * 1.3)),
    };
    const y = Float64Array.from(
      { length: rows },
      (_, r) => 2 * columns.plain[r]! + 0.5 * (columns.far[r]! - 1e7) + 0.01 * Math.sin(r * 9.1),
    );
    const names = Object.keys(columns);
    const table: TrainingTable = { columns: [...names, 'y'], values: [...Object.values(columns), y], rows };
    const trained = trainRidge(table, { features: names, target: 'y', alphas: [0.01, 1] });
    expect(trained.model.weights[0]).toBe(0);
    for (const score of trained.crossValidation) {
      const predictions = manualFoldPredictions(table, names, 'y', score.alpha);
      expect(score.rmse).toBeCloseTo(rootMeanSquaredError(y, predictions), 6);
    }
    const refit = fitRidge(designMatrix(table, names), y, trained.alpha);
    trained.model.weights.forEach((w, j) => expect(w).toBeCloseTo(refit.weights[j]!, 6));
    expect(trained.model.intercept / refit.intercept).toBeCloseTo(1, 6);
  });

  it('refuses bad options with a ValidationError naming the option', () => {
    expect(() => trainRidge(diabetes, { features, target: 'target', folds: 1 })).toThrow(
      'folds must be an integer from 2 to the 442 rows (got 1)',
    );
    expect(() => trainRidge(diabetes, { features, target: 'target', alphas: [1, -1] })).toThrow(
      'alphas must be positive numbers (got [1, -1])',
    );
  });

  it('exports a model whose onnxruntime predictions match on all 442 rows', async () => {
    const trained = trainRidge(diabetes, { features, target: 'target' });
    const x = designMatrix(diabetes, features);
    const pool = new InferencePool({ size: 1 });
    try {
      const onnx = linearModelToOnnx(trained.model);
      const input = { data: Float32Array.from(x.values), dims: [442, 10] };
      const output = await pool.run({ key: 'ridge-cv', name: 'ridge', onnx }, { input }, ['variable']);
      const actual = output.variable?.data as Float64Array;
      const expected = predictLinear(trained.model, x);
      expect(Math.max(...Array.from(actual, (v, r) => Math.abs(v - expected[r]!)))).toBeLessThan(1e-4);
      // On the float32 inputs the graph actually receives, its float64 arithmetic is exact.
      const rounded = predictLinear(trained.model, {
        ...x,
        values: Float64Array.from(Float32Array.from(x.values)),
      });
      expect(Math.max(...Array.from(actual, (v, r) => Math.abs(v - rounded[r]!)))).toBeLessThan(1e-9);
    } finally {
      await pool.close();
    }
  });
});
