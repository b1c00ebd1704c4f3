import { readFileSync } from 'node:fs';
import path from 'node:path';
import { InferencePool } from '../../../src/runtime/inference/InferencePool';
import { columnMoments } from '../../../src/training/columnMoments';
import { predictLogistic } from '../../../src/training/fitLogistic';
import { logisticModelToOnnx } from '../../../src/training/logisticModelToOnnx';
import { readNumericTable } from '../../../src/training/readNumericTable';
import { trainLogistic, type LogisticTrainingResult } from '../../../src/training/trainLogistic';
import { designMatrix, type TrainingTable } from '../../../src/training/TrainingTable';

const wine = readNumericTable(
  readFileSync(path.join(__dirname, '../../fixtures/data/wine.csv'), 'utf8'),
  'wine.csv',
);
const wineFeatures = wine.columns.filter((name) => name !== 'class');

/** Wine with a derived binary label: "high" when alcohol is above 13, else "low". */
function wineByAlcohol(): TrainingTable {
  const alcohol = wine.values[wine.columns.indexOf('alcohol')] as Float64Array;
  const label = Array.from(alcohol, (value) => (value > 13 ? 'high' : 'low'));
  const features = wineFeatures.filter((name) => name !== 'alcohol');
  return {
    columns: [...features, 'strength'],
    values: [...features.map((name) => wine.values[wine.columns.indexOf(name)] as Float64Array), label],
    rows: wine.rows,
  };
}

let pool: InferencePool;
beforeAll(() => (pool = new InferencePool({ size: 1 })));
afterAll(() => pool.close());

/** Runs the exported model through onnxruntime and compares it with the TypeScript model on the same rows. */
async function expectParity(trained: LogisticTrainingResult, table: TrainingTable): Promise<void> {
  const x = designMatrix(table, trained.features);
  const classes = trained.model.classes.length;
  const onnx = logisticModelToOnnx(trained.model);
  const input = { data: Float32Array.from(x.values), dims: [x.rows, x.columns] };
  const handle = { key: `logistic-${classes}-${x.columns}`, name: 'logistic', onnx };
  const outputs = await pool.run(handle, { input }, ['label', 'probabilities']);
  expect(outputs.probabilities?.dims).toEqual([x.rows, classes]);
  expect(outputs.label?.dims).toEqual([x.rows]);
  expect(outputs.label?.type).toBe('int64');
  const expected = predictLogistic(trained.model, x);
  const probabilities = outputs.probabilities?.data as Float32Array;
  const maxDiff = Math.max(
    ...Array.from(probabilities, (p, i) => Math.abs(p - (expected.probabilities[i] ?? NaN))),
  );
  expect(maxDiff).toBeLessThan(1e-5);
  const labels = Array.from(outputs.label?.data as BigInt64Array, Number);
  expect(labels).toEqual(Array.from(expected.labels));
}

describe('trainLogistic', () => {
  it('fits the 3 wine classes (multinomial) and onnxruntime matches it within 1e-5, labels equal', async () => {
    const trained = trainLogistic(wine, { features: wineFeatures, target: 'class' });
    expect(trained.model.classes).toEqual([0, 1, 2]);
    expect(trained.converged).toBe(true);
    expect(trained.trainingMetrics.accuracy).toBeGreaterThan(0.97);
    expect(trained.trainingMetrics.auc).toBeGreaterThan(0.99);
    await expectParity(trained, wine);
  });

  it('fits a binary text label and onnxruntime matches it within 1e-5, labels equal', async () => {
    const table = wineByAlcohol();
    const trained = trainLogistic(table, { features: table.columns.slice(0, -1), target: 'strength' });
    expect(trained.model.classes).toEqual(['high', 'low']);
    expect(trained.model.intercepts[0]).toBe(0);
    expect(trained.converged).toBe(true);
    // Alcohol is not a feature here: the others predict it only in part.
    expect(trained.trainingMetrics.accuracy).toBeGreaterThan(0.75);
    expect(trained.trainingMetrics.accuracy).toBeLessThan(1);
    await expectParity(trained, table);
  });

  it('puts the class labels in order in the ONNX metadata', () => {
    const table = wineByAlcohol();
    const trained = trainLogistic(table, {
      features: table.columns.slice(0, -1),
      target: 'strength',
      classes: ['low', 'high'],
    });
    const bytes = Buffer.from(logisticModelToOnnx(trained.model));
    expect(bytes.includes(Buffer.from('classes'))).toBe(true);
    expect(bytes.includes(Buffer.from('["low","high"]'))).toBe(true);
  });

  it('reaches the optimum: the penalised gradient on standardised features is zero', () => {
    const l2 = 2;
    const trained = trainLogistic(wine, { features: wineFeatures, target: 'class', l2 });
    const x = designMatrix(wine, wineFeatures);
    const { means, scales } = columnMoments(x);
    const { probabilities } = predictLogistic(trained.model, x);
    const y = wine.values[wine.columns.indexOf('class')] as Float64Array;
    const classes = 3;
    for (let k = 0; k < classes; k++) {
      let interceptGradient = 0;
      for (let r = 0; r < x.rows; r++)
        interceptGradient += (probabilities[r * classes + k] ?? 0) - (y[r] === k ? 1 : 0);
      expect(Math.abs(interceptGradient)).toBeLessThan(1e-6);
      for (let j = 0; j < x.columns; j++) {
        let gradient = 0;
        for (let r = 0; r < x.rows; r++) {
          const z = ((x.values[r * x.columns + j] ?? 0) - (means[j] ?? 0)) / (scales[j] ?? 1);
          gradient += z * ((probabilities[r * classes + k] ?? 0) - (y[r] === k ? 1 : 0));
        }
        // The standardised weight is the raw weight times the column's standard deviation.
        const standardisedWeight = (trained.model.weights[j * classes + k] ?? 0) * (scales[j] ?? 1);
        expect(gradient + l2 * standardisedWeight).toBeCloseTo(0, 6);
      }
    }
  });

  it('separates linearly separable data: accuracy 1, and a larger l2 gives smaller weights', () => {
    // Class 1 exactly when x0 + x1 > 10; x2 is noise.
    const rows = 200;
    const values = [
      new Float64Array(rows),
      new Float64Array(rows),
      new Float64Array(rows),
      new Float64Array(rows),
    ];
    for (let r = 0; r < rows; r++) {
      const x0 = (r * 7) % 11;
      const x1 = (r * 3) % 13;
      values[0]![r] = x0;
      values[1]![r] = x1;
      values[2]![r] = Math.sin(r);
      values[3]![r] = x0 + x1 > 10 ? 1 : 0;
    }
    const table: TrainingTable = { columns: ['x0', 'x1', 'x2', 'y'], values, rows };
    const weak = trainLogistic(table, { features: ['x0', 'x1', 'x2'], target: 'y', l2: 0.01 });
    const strong = trainLogistic(table, { features: ['x0', 'x1', 'x2'], target: 'y', l2: 10 });
    expect(weak.trainingMetrics.accuracy).toBe(1);
    expect(weak.trainingMetrics.auc).toBe(1);
    const norm = (t: LogisticTrainingResult) => Math.hypot(...Array.from(t.model.weights));
    expect(norm(strong)).toBeLessThan(norm(weak));
    // The decision boundary follows x0 + x1: both weights on class 1 positive and about equal.
    const w0 = weak.model.weights[0 * 2 + 1] ?? 0;
    const w1 = weak.model.weights[1 * 2 + 1] ?? 0;
    expect(w0).toBeGreaterThan(0);
    expect(w1 / w0).toBeGreaterThan(0.7);
    expect(w1 / w0).toBeLessThan(1.4);
  });

  it.each<[string, TrainingTable, string]>([
    [
      'one class only',
      { columns: ['x', 'y'], values: [Float64Array.of(1, 2), ['a', 'a']], rows: 2 },
      'Column y needs at least two classes to train a classifier (found: a)',
    ],
    [
      'a missing label',
      { columns: ['x', 'y'], values: [Float64Array.of(1, 2), ['a', '']], rows: 2 },
      'Training data row 2 column y: the class is missing',
    ],
    [
      'a text feature',
      {
        columns: ['x', 'y'],
        values: [
          [1, 'two'],
          ['a', 'b'],
        ],
        rows: 2,
      },
      'Training data row 2 column x: "two" is not a number',
    ],
    [
      'an unknown column',
      { columns: ['z', 'y'], values: [Float64Array.of(1, 2), ['a', 'b']], rows: 2 },
      'Training data has no column "x" (columns: z, y)',
    ],
  ])('refuses %s with a ValidationError', (_case, table, message) => {
    expect(() => trainLogistic(table, { features: ['x'], target: 'y' })).toThrow(message);
  });

  it('refuses a label outside the declared classes', () => {
    const table: TrainingTable = {
      columns: ['x', 'y'],
      values: [Float64Array.of(1, 2, 3), ['a', 'b', 'c']],
      rows: 3,
    };
    expect(() => trainLogistic(table, { features: ['x'], target: 'y', classes: ['a', 'b'] })).toThrow(
      'Training data row 3 column y: class "c" is not one of a, b',
    );
  });
});
