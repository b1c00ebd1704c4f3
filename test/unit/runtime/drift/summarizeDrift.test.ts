import { readFileSync } from 'node:fs';
import path from 'node:path';
import { countFeatureBins } from '../../../../src/runtime/drift/binCounts';
import type { PartitionResult } from '../../../../src/scoring/jobContracts';
import { planDrift } from '../../../../src/runtime/drift/planDrift';
import { summarizeDrift } from '../../../../src/runtime/drift/summarizeDrift';
import { computeBaseline, presentValues } from '../../../../src/training/computeBaseline';
import { readNumericTable } from '../../../../src/training/readNumericTable';
import type { ModelCard } from '../../../../src/runtime/models/ModelCard';

const diabetes = readNumericTable(
  readFileSync(path.join(__dirname, '../../../fixtures/data/diabetes.csv'), 'utf8'),
  'diabetes.csv',
);
const features = diabetes.columns.filter((name) => name !== 'target');
const baseline = computeBaseline(diabetes, features);
const card = { name: 'd', version: 3, tags: {}, metrics: {}, training: { data: 'x', baseline } } as ModelCard;
const training = Object.fromEntries(features.map((name) => [name, presentValues(diabetes, name)]));
const bmi = training.bmi!;
const bmiMean = bmi.reduce((sum, v) => sum + v, 0) / bmi.length;
const bmiStd = Math.sqrt(bmi.reduce((sum, v) => sum + (v - bmiMean) ** 2, 0) / bmi.length);

/** The scored values of each feature, shifted: bmi by `shift`, s5 scaled by `scale`. */
function scoredValues(shift: number, scale: number): Record<string, number[]> {
  return Object.fromEntries(
    features.map((name) => [
      name,
      training[name]!.map((v) => (name === 'bmi' ? v + shift : name === 's5' ? v * scale : v)),
    ]),
  );
}

/** The job's drift as the partitions and the commit compute it: float32 rows, three partitions. */
function driftOf(values: Record<string, number[]>) {
  const plan = planDrift(card, features);
  if (plan.kind !== 'baseline') throw new Error(plan.reason);
  const rows = diabetes.rows;
  const matrix = new Float32Array(rows * features.length);
  features.forEach((name, f) => values[name]!.forEach((v, r) => (matrix[r * features.length + f] = v)));
  const cuts = [0, 100, 300, rows];
  const results = cuts.slice(1).map((end, i) => {
    const start = cuts[i]!;
    const part = matrix.subarray(start * features.length, end * features.length);
    const binCounts = countFeatureBins(part, end - start, features.length, plan.features);
    return { index: i, binCounts } as unknown as PartitionResult;
  });
  return summarizeDrift(plan, results);
}

// The direct formulas, from the raw values.
const share = (values: number[], low: number, high: number) =>
  values.filter((v) => v > low && v <= high).length / values.length;
function directPsi(expected: number[], actual: number[], edges: number[]): number {
  const bounds = [-Infinity, ...edges, Infinity];
  let psi = 0;
  for (let i = 0; i + 1 < bounds.length; i++) {
    const e = Math.max(share(expected, bounds[i]!, bounds[i + 1]!), 1e-4);
    const a = Math.max(share(actual, bounds[i]!, bounds[i + 1]!), 1e-4);
    psi += (a - e) * Math.log(a / e);
  }
  return psi;
}
const cdf = (values: number[], at: number) => values.filter((v) => v <= at).length / values.length;
/** max |F_training − F_scored| over the baseline's edges. */
const directKsAtEdges = (expected: number[], actual: number[], edges: number[]) =>
  Math.max(...edges.map((e) => Math.abs(cdf(expected, e) - cdf(actual, e))));
/** The exact two-sample KS over every value of either sample. */
const exactKs = (expected: number[], actual: number[]) =>
  Math.max(...[...expected, ...actual].map((v) => Math.abs(cdf(expected, v) - cdf(actual, v))));

describe('summarizeDrift', () => {
  it.each([
    ['the training data itself', 0, 1],
    ['bmi + 3 std and s5 × 1.01', 3 * bmiStd, 1.01],
  ])('%s: PSI and KS per feature equal the direct computation', (_what, shift, scale) => {
    const values = scoredValues(shift, scale);
    const report = driftOf(values);
    if (!('threshold' in report)) throw new Error(report.reason);
    expect(report.rows).toBe(diabetes.rows);
    expect(report.features.map((f) => f.name)).toEqual(features);
    for (const feature of report.features) {
      const { edges } = baseline.features[feature.name]!;
      const expected = training[feature.name]!;
      const actual = values[feature.name]!;
      expect(feature.psi).toBeCloseTo(directPsi(expected, actual, edges), 10);
      if (feature.name === 'sex') {
        expect(feature.ks).toBeUndefined();
        continue;
      }
      expect(feature.ks).toBeCloseTo(directKsAtEdges(expected, actual, edges), 10);
      expect(feature.ks!).toBeLessThanOrEqual(exactKs(expected, actual) + 1e-12);
    }
  });

  it('the training data is ok with PSI 0; a shift breaches that feature only', () => {
    const same = driftOf(scoredValues(0, 1));
    expect(same.status).toBe('ok');
    expect(same.features.every((f) => f.psi === 0 && f.status === 'ok')).toBe(true);
    const shifted = driftOf(scoredValues(3 * bmiStd, 1));
    expect(shifted.status).toBe('breach');
    expect(shifted.features.filter((f) => f.status !== 'ok').map((f) => [f.name, f.status])).toEqual([
      ['bmi', 'breach'],
    ]);
    expect(shifted.features.find((f) => f.name === 'bmi')!.ks).toBeGreaterThan(0.7);
  });

  it('takes thresholds from the card, and says why when there is no baseline', () => {
    const strict = planDrift({ ...card, drift: { psiWarning: 0.001, psiBreach: 5 } }, features);
    expect(strict).toMatchObject({ kind: 'baseline', threshold: { psiWarning: 0.001, psiBreach: 5 } });
    expect(planDrift(card, features)).toMatchObject({ threshold: { psiWarning: 0.1, psiBreach: 0.25 } });
    const none = planDrift({ ...card, training: { data: 'x' } }, features);
    expect(summarizeDrift(none, [])).toEqual({
      status: 'no baseline',
      reason: 'The model version has no training baseline.',
      features: [],
    });
    const broken = planDrift({ ...card, training: { data: 'x', baseline: { rows: 1 } } }, features);
    expect(broken).toEqual({
      kind: 'none',
      reason: 'Baseline in the card of d@3: features Invalid input: expected record, received undefined',
    });
  });
});
