import { countPredictionBins, driftValueAt } from '../../../../src/runtime/drift/predictionBins';
import { planDrift } from '../../../../src/runtime/drift/planDrift';
import { summarizeDrift } from '../../../../src/runtime/drift/summarizeDrift';
import type { PredictionColumn } from '../../../../src/runtime/formats/ScoringBatch';
import type { ModelCard } from '../../../../src/runtime/models/ModelCard';
import { computePredictionBaseline } from '../../../../src/training/computeBaseline';

// Prediction drift: a baseline of holdout predictions, bin counts of scored predictions in partitions,
// and PSI/KS compared with a direct computation from the raw values and the baseline's edges.

/** A deterministic spread of n values in [0, 1). */
const spread = (n: number, seed: number) =>
  Array.from({ length: n }, (_, i) => ((i * 7919 + seed * 104729) % n) / n);

/** A regression output (float32, one value per row) and a binary classifier's label and probabilities. */
function outputsOf(xs: readonly number[]): PredictionColumn[] {
  const probabilities = new Float32Array(xs.length * 2);
  xs.forEach((x, r) => {
    const p = 1 / (1 + Math.exp(-(x * 8 - 4)));
    probabilities[2 * r] = 1 - p;
    probabilities[2 * r + 1] = p;
  });
  return [
    { name: 'variable', width: 1, values: Float32Array.from(xs, (x) => 150 + 200 * x * x) },
    { name: 'label', width: 1, values: BigInt64Array.from(xs, (x) => (x > 0.5 ? 1n : 0n)) },
    { name: 'probabilities', width: 2, values: probabilities },
  ];
}

const holdout = spread(400, 1);
const holdoutOutputs = outputsOf(holdout);
const predictionBaseline = computePredictionBaseline(holdoutOutputs, holdout.length);
const featureBaseline = {
  rows: 400,
  features: { x: { count: 400, min: 0, max: 1, edges: [0.5], proportions: [0.5, 0.5] } },
};
const card = {
  name: 'p',
  version: 2,
  tags: {},
  metrics: {},
  training: { data: 'x', baseline: featureBaseline, predictionBaseline },
} as ModelCard;
const outputNames = holdoutOutputs.map((column) => column.name);

/** The raw per-row numbers of an output, as a person reads them: the value, or P(class 1). */
function rawValues(column: PredictionColumn, rows: number): number[] {
  return Array.from({ length: rows }, (_, r) => Number(column.values[r * column.width + column.width - 1]));
}

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
const directKs = (expected: number[], actual: number[], edges: number[]) =>
  Math.max(...edges.map((e) => Math.abs(cdf(expected, e) - cdf(actual, e))));

/** Scores `xs` in three partitions as a job does and summarizes their counts. */
function driftOf(xs: number[]) {
  const plan = planDrift(card, ['x'], outputNames);
  if (plan.kind !== 'baseline') throw new Error(plan.reason);
  const cuts = [0, 50, 210, xs.length];
  const parts = cuts.slice(1).map((end, i) => {
    const part = xs.slice(cuts[i], end);
    return {
      binCounts: [[part.filter((x) => x <= 0.5).length, part.filter((x) => x > 0.5).length]],
      predictionBinCounts: countPredictionBins(outputsOf(part), part.length, plan.predictions!),
    };
  });
  return summarizeDrift(plan, parts);
}

describe('prediction drift', () => {
  it('the baseline is the holdout predictions: the value, or the last class probability', () => {
    expect(Object.keys(predictionBaseline.features)).toEqual(outputNames);
    const probabilities = predictionBaseline.features.probabilities!;
    const positive = rawValues(holdoutOutputs[2]!, holdout.length);
    expect(probabilities.min).toBe(Math.min(...positive));
    expect(probabilities.max).toBe(Math.max(...positive));
    expect(probabilities.edges).toHaveLength(9);
    // A 0/1 label has two bins: its share of each class.
    const ones = holdout.filter((x) => x > 0.5).length / holdout.length;
    expect(predictionBaseline.features.label).toMatchObject({ edges: [0], proportions: [1 - ones, ones] });
    expect(driftValueAt(holdoutOutputs[1]!, 0)).toBe(Number(holdoutOutputs[1]!.values[0]));
  });

  it.each([
    ['the holdout itself', (x: number) => x],
    ['inputs moved up', (x: number) => Math.min(0.999, x * 0.6 + 0.4)],
  ])('%s: PSI and KS per output equal the direct computation', (_what, move) => {
    const xs = spread(300, 2).map(move);
    const report = driftOf(xs);
    if (!('threshold' in report)) throw new Error(report.reason);
    expect(report.predictions.map((p) => p.name)).toEqual(outputNames);
    const scored = outputsOf(xs);
    for (const prediction of report.predictions) {
      const at = outputNames.indexOf(prediction.name);
      const { edges } = predictionBaseline.features[prediction.name]!;
      const expected = rawValues(holdoutOutputs[at]!, holdout.length);
      const actual = rawValues(scored[at]!, xs.length);
      expect(prediction.psi).toBeCloseTo(directPsi(expected, actual, edges), 10);
      if (prediction.name === 'label') expect(prediction.ks).toBeUndefined();
      else expect(prediction.ks).toBeCloseTo(directKs(expected, actual, edges), 10);
    }
  });

  it('a shifted prediction breaches and sets the status; no prediction baseline measures inputs only', () => {
    const shifted = driftOf(spread(300, 2).map((x) => Math.min(0.999, x * 0.6 + 0.4)));
    expect(shifted.status).toBe('breach');
    if (!('threshold' in shifted)) throw new Error(shifted.reason);
    expect(shifted.predictions.find((p) => p.name === 'variable')!.status).toBe('breach');
    const inputsOnly = planDrift(
      { ...card, training: { data: 'x', baseline: featureBaseline } },
      ['x'],
      outputNames,
    );
    expect(inputsOnly).toMatchObject({ kind: 'baseline', predictions: [] });
    const report = summarizeDrift(inputsOnly, [{ binCounts: [[150, 150]] }]);
    expect(report).toMatchObject({ status: 'ok', rows: 300, predictions: [] });
  });

  it('the card sets retrainOnBreach; the default is not to', () => {
    expect(planDrift(card, ['x'])).toMatchObject({ retrainOnBreach: false });
    const declared = planDrift({ ...card, drift: { retrainOnBreach: true } }, ['x']);
    expect(declared).toMatchObject({
      retrainOnBreach: true,
      threshold: { psiWarning: 0.1, psiBreach: 0.25 },
    });
  });
});
