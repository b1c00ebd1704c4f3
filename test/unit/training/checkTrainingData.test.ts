import { readFileSync } from 'node:fs';
import path from 'node:path';
import { checkTrainingData, type DataCheck } from '../../../src/training/checkTrainingData';
import {
  computeBaseline,
  parseTrainingBaseline,
  populationStabilityIndex,
} from '../../../src/training/computeBaseline';
import { readNumericTable } from '../../../src/training/readNumericTable';
import type { ColumnValues, TrainingTable } from '../../../src/training/TrainingTable';

const diabetes = readNumericTable(
  readFileSync(path.join(__dirname, '../../fixtures/data/diabetes.csv'), 'utf8'),
  'diabetes.csv',
);
const features = diabetes.columns.filter((name) => name !== 'target');
const spec = { features, target: 'target' };
const baseline = computeBaseline(diabetes, features);

/** Diabetes with one column replaced. */
function withColumn(name: string, change: (values: Float64Array) => ColumnValues): TrainingTable {
  const index = diabetes.columns.indexOf(name);
  const values = diabetes.values.map((column, i) =>
    i === index ? change(Float64Array.from(column)) : column,
  );
  return { ...diabetes, values };
}

const notPassed = (checks: readonly DataCheck[]) => checks.filter((check) => check.status !== 'passed');

describe('computeBaseline', () => {
  it('cuts each feature at deciles, and fewer bins for a two-valued column', () => {
    const bmi = baseline.features.bmi!;
    expect(bmi.edges).toHaveLength(9);
    expect(bmi.proportions.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    for (const share of bmi.proportions) expect(Math.abs(share - 0.1)).toBeLessThan(0.03);
    const sex = baseline.features.sex!;
    expect(sex).toMatchObject({ count: 442, min: 1, max: 2, edges: [1] });
    const ones = Array.from(diabetes.values[1]!).filter((v) => v === 1).length;
    expect(sex.proportions).toEqual([ones / 442, 1 - ones / 442]);
  });

  it('survives a JSON round trip (it lives in a model card) and refuses a broken one', () => {
    expect(parseTrainingBaseline(JSON.parse(JSON.stringify(baseline)), 'model.json')).toEqual(baseline);
    const broken = { ...baseline, features: { bmi: { ...baseline.features.bmi!, proportions: [1] } } };
    expect(() => parseTrainingBaseline(broken, 'model.json')).toThrow(
      'Baseline in model.json: features.bmi needs one proportion more than edges',
    );
  });
});

describe('populationStabilityIndex', () => {
  it('is Σ (a − e) ln(a / e): 0 for identical proportions, as by hand for a small shift', () => {
    expect(populationStabilityIndex([0.2, 0.3, 0.5], [0.2, 0.3, 0.5])).toBe(0);
    expect(populationStabilityIndex([0.5, 0.5], [0.6, 0.4])).toBeCloseTo(
      0.1 * Math.log(1.2) - 0.1 * Math.log(0.8),
      12,
    );
  });
});

describe('checkTrainingData', () => {
  it('passes the data the baseline was taken from, with PSI 0 for every feature', () => {
    const report = checkTrainingData(diabetes, { ...spec, ranges: { age: { min: 0, max: 120 } } }, baseline);
    expect(notPassed(report.checks)).toEqual([]);
    expect(report.passed).toBe(true);
    const distribution = report.checks.filter((check) => check.check === 'distribution');
    expect(distribution).toHaveLength(10);
    for (const check of distribution) expect(check.value).toBe(0);
    expect(report.checks.map((check) => check.check)).toEqual(
      expect.arrayContaining(['rows', 'schema', 'missing', 'range', 'distribution']),
    );
  });

  it('fails a shifted feature on PSI, and the message names the bin that moved', () => {
    const shifted = withColumn('bmi', (bmi) => bmi.map((v) => v + 4));
    const report = checkTrainingData(shifted, spec, baseline);
    expect(report.passed).toBe(false);
    const failed = notPassed(report.checks);
    expect(failed.map((c) => [c.check, c.column, c.status])).toEqual([
      ['range', 'bmi', 'failed'],
      ['distribution', 'bmi', 'failed'],
    ]);
    const psi = failed[1]!;
    expect(psi.value).toBeGreaterThan(1);
    expect(psi.threshold).toBe(0.25);
    expect(psi.message).toMatch(
      /^Column bmi: PSI [\d.]+ against the training baseline is at least 0.25: the data has shifted\. Check the source; if the change is real, retrain with the new baseline on purpose\. Largest change: values > [\d.]+ were [\d.]+% of the baseline and are [\d.]+% now\.$/,
    );
  });

  it('warns between the two PSI thresholds, both configurable', () => {
    const shifted = withColumn('bmi', (bmi) => bmi.map((v) => v + 0.5));
    const psi = checkTrainingData(shifted, spec, baseline).checks.find(
      (c) => c.check === 'distribution' && c.column === 'bmi',
    );
    const value = psi?.value ?? NaN;
    expect(value).toBeGreaterThan(0.01);
    const warned = checkTrainingData(
      shifted,
      { ...spec, psiWarning: value / 2, psiFailure: value * 2 },
      baseline,
    );
    expect(warned.passed).toBe(true);
    expect(notPassed(warned.checks)).toEqual([
      expect.objectContaining({
        check: 'distribution',
        column: 'bmi',
        status: 'warning',
        threshold: value / 2,
      }),
    ]);
    const failed = checkTrainingData(
      shifted,
      { ...spec, psiWarning: value / 4, psiFailure: value / 2 },
      baseline,
    );
    expect(failed.passed).toBe(false);
  });

  it('fails a missing column and a non-numeric value, saying what to do', () => {
    const renamed: TrainingTable = {
      ...diabetes,
      columns: diabetes.columns.map((c) => (c === 's6' ? 'glucose' : c)),
    };
    const missing = checkTrainingData(renamed, spec);
    expect(missing.passed).toBe(false);
    expect(notPassed(missing.checks)).toEqual([
      {
        check: 'schema',
        column: 's6',
        status: 'failed',
        message: `Column "s6" is missing (the data has ${renamed.columns.join(', ')}); add it or take it out of the model's features.`,
      },
    ]);
    const text = withColumn('bp', (bp) => Array.from(bp, (v, r) => (r === 6 ? '1O1' : v)));
    expect(notPassed(checkTrainingData(text, spec).checks)).toEqual([
      {
        check: 'schema',
        column: 'bp',
        status: 'failed',
        value: 1,
        threshold: 0,
        message:
          'Column bp has 1 non-numeric values (first: "1O1" in row 7); it must hold numbers. Fix the source or encode the column as numbers.',
      },
    ]);
  });

  it('fails missing values beyond the allowed share and warns within it', () => {
    const gaps = withColumn('s1', (s1) => s1.map((v, r) => (r % 50 === 3 ? NaN : v)));
    const strict = notPassed(checkTrainingData(gaps, spec).checks);
    expect(strict).toEqual([
      expect.objectContaining({
        check: 'missing',
        column: 's1',
        status: 'failed',
        value: 9 / 442,
        threshold: 0,
      }),
    ]);
    expect(strict[0]?.message).toBe(
      'Column s1 has 9 missing values, 2.036% of rows (first in row 4); at most 0% allowed. Fill them or drop those rows at the source, or raise maxMissingFraction.',
    );
    const lenient = checkTrainingData(gaps, { ...spec, maxMissingFraction: 0.05 });
    expect(lenient.passed).toBe(true);
    expect(notPassed(lenient.checks)).toEqual([
      expect.objectContaining({ check: 'missing', column: 's1', status: 'warning', threshold: 0.05 }),
    ]);
  });

  it('fails values outside a declared range, and outside the baseline range past the tolerance only', () => {
    const old = withColumn('age', (age) => age.map((v, r) => (r === 9 ? 150 : v)));
    const declared = checkTrainingData(old, { ...spec, ranges: { age: { min: 0, max: 120 } } });
    expect(notPassed(declared.checks)).toEqual([
      {
        check: 'range',
        column: 'age',
        status: 'failed',
        value: 1,
        threshold: 0,
        message:
          'Column age has 1 values outside the declared range [0, 120] (first: 150 in row 10). Check the units and the source, or widen the range if such values are real.',
      },
    ]);
    const { min, max } = baseline.features.age!;
    const slightlyOlder = withColumn('age', (age) =>
      age.map((v) => (v === max ? max + 0.05 * (max - min) : v)),
    );
    expect(
      checkTrainingData(slightlyOlder, spec, baseline).checks.filter(
        (c) => c.check === 'range' && c.status !== 'passed',
      ),
    ).toEqual([]);
    const muchOlder = withColumn('age', (age) => age.map((v) => (v === max ? max + 0.2 * (max - min) : v)));
    const range = checkTrainingData(muchOlder, spec, baseline).checks.filter(
      (c) => c.check === 'range' && c.status === 'failed',
    );
    expect(range).toHaveLength(1);
    expect(range[0]?.message).toContain("outside the training baseline's range");
  });

  it('fails too few rows, warns about a feature the baseline lacks, and accepts a text target as categorical', () => {
    expect(checkTrainingData(diabetes, { ...spec, minRows: 1000 }).checks[0]).toEqual({
      check: 'rows',
      status: 'failed',
      value: 442,
      threshold: 1000,
      message: 'Only 442 rows; training needs at least 1000. Check that the training source is complete.',
    });
    const partial = computeBaseline(diabetes, features.slice(0, 9));
    expect(notPassed(checkTrainingData(diabetes, spec, partial).checks)).toEqual([
      expect.objectContaining({ check: 'distribution', column: 's6', status: 'warning' }),
    ]);
    const labelled = withColumn('target', (t) => Array.from(t, (v) => (v > 140 ? 'high' : 'low')));
    expect(checkTrainingData(labelled, { ...spec, targetKind: 'categorical' }).passed).toBe(true);
    expect(checkTrainingData(labelled, spec).passed).toBe(false);
  });
});
