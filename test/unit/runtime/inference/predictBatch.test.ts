import { InferencePool } from '../../../../src/runtime/inference/InferencePool';
import { mapFeatures } from '../../../../src/runtime/inference/mapFeatures';
import { predictBatch } from '../../../../src/runtime/inference/predictBatch';
import { readModelSignature } from '../../../../src/runtime/inference/readModelSignature';
import { parseModelCard } from '../../../../src/runtime/models/ModelCard';
import type { ModelHandle } from '../../../../src/runtime/inference/InferencePool';
import {
  fixtureIo,
  fixtureModel,
  twoInputModel,
  weightedSumModel,
  zipMapClassifierModel,
} from './testModels';

const pool = new InferencePool({ size: 2 });
afterAll(() => pool.close());

/** Rows r = 0..n-1 of columns a, b, c with values (r, r/10, r/100). */
function abcRows(n: number): Float32Array {
  const data = new Float32Array(n * 3);
  for (let r = 0; r < n; r++) data.set([r, r / 10, r / 100], r * 3);
  return data;
}

async function mappingOf(model: ModelHandle, columns: string[], cardFields?: Record<string, unknown>) {
  const signature = await readModelSignature(model.onnx, model.name);
  const card = cardFields && parseModelCard({ name: 'm', version: 1, ...cardFields }, 'model.json');
  return mapFeatures(signature, card, columns, columns);
}

describe('predictBatch', () => {
  it.each([
    ['a dynamic batch, split across workers', 'N', 10_000],
    ['a fixed batch of 1 (row by row)', 1, 37],
    ['a fixed batch of 4 with a padded last chunk', 4, 10],
  ])('%s keeps every row in order', async (_case, batch, rows) => {
    const model = weightedSumModel(batch);
    const mapping = await mappingOf(model, ['a', 'b', 'c']);
    const [y] = await predictBatch(pool, model, mapping, abcRows(rows), rows, { minChunkRows: 1000 });
    expect(y?.name).toBe('y');
    expect(y?.width).toBe(1);
    expect(y?.values.length).toBe(rows);
    let worst = 0;
    for (let r = 0; r < rows; r++) {
      const expected = Math.fround(r) + 10 * Math.fround(r / 10) + 100 * Math.fround(r / 100) + 0.5;
      worst = Math.max(worst, Math.abs(Number(y?.values[r]) - expected) / Math.max(1, expected));
    }
    expect(worst).toBeLessThan(1e-6);
  });

  it('feeds several named inputs from the card, converting float32 columns to the model types', async () => {
    const model = twoInputModel();
    const mapping = await mappingOf(model, ['p', 'q', 'r'], {
      inputs: [
        { name: 'a', columns: ['r', 'p'] },
        { name: 'b', columns: ['q'] },
      ],
    });
    expect(mapping.featureColumns).toEqual(['r', 'p', 'q']);
    // Rows (p, q, r) = (1, 2, 3) and (4, 5, 6), laid out in featureColumns order. y = a0 + 2·a1 + 1000·b = r + 2p + 1000q.
    const [y] = await predictBatch(pool, model, mapping, Float32Array.of(3, 1, 2, 6, 4, 5), 2);
    expect(y?.values).toBeInstanceOf(Float64Array);
    expect(Array.from(y?.values as Float64Array)).toEqual([3 + 2 + 2000, 6 + 8 + 5000]);
  });

  it('gives a classifier its label and probabilities and skips the ZipMap with a note', async () => {
    const model = zipMapClassifierModel();
    const mapping = await mappingOf(model, ['a', 'b', 'c']);
    expect(mapping.notes).toEqual([
      expect.stringMatching(/^Output "output_probability" of model "zipmap-classifier" skipped/),
    ]);
    const [label, probabilities] = await predictBatch(
      pool,
      model,
      mapping,
      Float32Array.of(0, 5, 1, 9, 0, 0),
      2,
    );
    expect(label).toEqual({ name: 'label', width: 1, values: BigInt64Array.of(1n, 0n) });
    expect(probabilities?.width).toBe(3);
    const p = Array.from(probabilities?.values as Float32Array);
    expect(p.slice(0, 3).reduce((a, b) => a + b)).toBeCloseTo(1, 6);
    expect(p[1]).toBeCloseTo(Math.exp(5) / (1 + Math.exp(5) + Math.E), 6);
  });

  it('scores the real classifier through the mapping: label + probabilities columns', async () => {
    const model = fixtureModel('xgboost_classifier_tree');
    const io = fixtureIo('xgboost_classifier_tree');
    const columns = Array.from({ length: 13 }, (_, j) => `f${j}`);
    const mapping = await mappingOf(model, columns);
    const rows = 3;
    const features = new Float32Array(rows * 13);
    for (let r = 0; r < rows; r++) features.set(io.input?.data ?? [], r * 13);
    const [label, probabilities] = await predictBatch(pool, model, mapping, features, rows);
    expect(label?.values).toEqual(BigInt64Array.of(0n, 0n, 0n));
    const expected = io.probabilities?.data ?? [];
    Array.from(probabilities?.values as Float32Array).forEach((p, i) =>
      expect(Math.abs(p - (expected[i % 3] ?? NaN))).toBeLessThan(1e-6),
    );
  });

  it('returns empty columns for no rows without running the model', async () => {
    const model = weightedSumModel();
    const mapping = await mappingOf(model, ['a', 'b', 'c']);
    await expect(predictBatch(pool, model, mapping, new Float32Array(0), 0)).resolves.toEqual([
      { name: 'y', width: 1, values: new Float32Array(0) },
    ]);
  });
});
