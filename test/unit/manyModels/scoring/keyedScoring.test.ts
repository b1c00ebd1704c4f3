import { ValidationError } from '../../../../src/errors';
import { parseJobSpec } from '../../../../src/scoring/JobSpec';
import { pickKeyedVersions } from '../../../../src/manyModels/scoring/keyedModels';
import {
  featuresFor,
  forecastRowFeatures,
  historyTail,
  knownTargets,
} from '../../../../src/manyModels/training/forecastFeatures';
import { periodsOf } from '../../../../src/manyModels/training/forecastPeriods';
import type { ForecastFeatureSpec } from '../../../../src/manyModels/training/ForecastFeatureSpec';
import type { ModelStage } from '../../../../src/models/registry/ModelStage';
import type { ModelVersionInfo } from '../../../../src/models/registry/registryRows';
import { parseTrainingCsv } from '../../../../src/training/retrain/parseTrainingCsv';

const spec: ForecastFeatureSpec = {
  time: 'week',
  target: 'sales',
  price: 'price',
  promotion: 'ad',
  frequency: 'weekly',
  lags: [2, 4],
};

function dateOf(week: number): string {
  return new Date(Date.UTC(1990, 5, 14) + week * 7 * 86_400_000).toISOString().slice(0, 10);
}

// Weeks 0–9 known (sales = 10 × week + 3); weeks 10 and 11 to forecast.
const known = parseTrainingCsv(
  `week,sales,price,ad\n${Array.from({ length: 10 }, (_, n) => `${dateOf(n)},${10 * n + 3},${1 + n / 10},${n % 2}`).join('\n')}\n`,
  'known.csv',
);
const history = historyTail(known, spec, 4);

describe('forecastRowFeatures (one row at scoring time)', () => {
  it('gives the features featuresFor gives the same future rows, lags from the history', () => {
    const future = parseTrainingCsv(
      `week,price,ad\n${dateOf(10)},2.5,1\n${dateOf(11)},2.25,0\n`,
      'future.csv',
    );
    const reference = featuresFor(future, spec, history);
    expect(reference.x.rows).toBe(2);
    const rows = [
      { time: dateOf(10), price: '2.5', promotion: '1' },
      { time: dateOf(11), price: '2.25', promotion: '0' },
    ];
    rows.forEach((row, i) => {
      const values = Float32Array.from(forecastRowFeatures(row, spec, knownTargets(history)));
      expect([...values]).toEqual([
        ...reference.x.values.subarray(i * reference.x.columns, (i + 1) * reference.x.columns),
      ]);
    });
    // lag_2 of week 11 is week 9's sales, lag_4 is week 7's.
    expect(forecastRowFeatures(rows[1]!, spec, knownTargets(history)).slice(-2)).toEqual([93, 73]);
  });

  it('names the field of a row it cannot feed', () => {
    const targets = knownTargets(history);
    const fails = (row: { time: string; price?: string; promotion?: string }) => {
      try {
        forecastRowFeatures(row, spec, targets);
      } catch (error) {
        expect(error).toBeInstanceOf(ValidationError);
        return [(error as ValidationError).details?.field, (error as Error).message];
      }
      throw new Error('no error');
    };
    expect(fails({ time: '10/08/1990', price: '1', promotion: '0' })).toEqual([
      'week',
      'week: "10/08/1990" is not a date (YYYY-MM-DD)',
    ]);
    expect(fails({ time: dateOf(10), price: '0', promotion: '0' })).toEqual([
      'price',
      'price: a price must be above 0 (got 0)',
    ]);
    expect(fails({ time: dateOf(10), price: '', promotion: '0' })).toEqual([
      'price',
      'price: the value is missing',
    ]);
    expect(fails({ time: dateOf(10), price: '1', promotion: 'yes' })).toEqual([
      'ad',
      'ad: "yes" is not a number',
    ]);
    expect(fails({ time: dateOf(12), price: '1', promotion: '0' })).toEqual([
      'week',
      `week: ${dateOf(12)} is 3 weeks after the series' last known sales (${dateOf(9)}); the model forecasts at most 2 weeks ahead`,
    ]);
    // The history holds weeks 6-9 (the longest lag's 4): week 9's lag 4 reaches week 5.
    expect(fails({ time: dateOf(9), price: '1', promotion: '0' })).toEqual([
      'week',
      `week: lag_4 needs sales of ${dateOf(5)}, before the first the model's history has (${dateOf(6)})`,
    ]);
  });

  it('carries a gap in the history over from the last week before it, as training does', () => {
    // Weeks 0-9 without weeks 6 and 7: the 4-week window (6-9) starts in the gap, so the history keeps
    // week 5 too, and lag 4 of week 10 (week 6) and lag 2 of week 9 (week 7) are week 5's sales.
    const gappy = parseTrainingCsv(
      `week,sales,price,ad\n${[0, 1, 2, 3, 4, 5, 8, 9].map((n) => `${dateOf(n)},${10 * n + 3},1,0`).join('\n')}\n`,
      'gappy.csv',
    );
    const tail = historyTail(gappy, spec, 4);
    const week = (n: number) => periodsOf(gappy, spec)[0]! + n;
    expect(tail).toEqual({ periods: [5, 8, 9].map(week), values: [53, 83, 93] });
    const targets = knownTargets(tail);
    expect(
      forecastRowFeatures({ time: dateOf(10), price: '1', promotion: '0' }, spec, targets).slice(-2),
    ).toEqual([83, 53]);
    expect(
      forecastRowFeatures({ time: dateOf(9), price: '1', promotion: '0' }, spec, targets).slice(-2),
    ).toEqual([53, 53]);
    // The same rows through featuresFor with the whole series as history: the same lags.
    const future = parseTrainingCsv(`week,price,ad\n${dateOf(10)},1,0\n`, 'future.csv');
    const reference = featuresFor(future, spec, tail);
    expect([...reference.x.values.slice(-2)]).toEqual([83, 53]);
  });
});

function version(n: number, tags: Record<string, string>, stage: ModelStage = 'None'): ModelVersionInfo {
  return {
    name: 'sales',
    version: n,
    stage,
    files: 'row',
    sha256: `sha${n}`,
    bytes: 1,
    createdAt: '',
    tags,
    metrics: {},
  };
}

describe('pickKeyedVersions', () => {
  const versions = [
    version(1, { Store: '2', Brand: 'a' }),
    version(2, { Store: '2', Brand: 'b' }, 'Production'),
    version(3, { Store: '2', Brand: 'a', algorithm: 'ridge' }),
    version(4, { Store: '2' }),
    version(5, { Store: '10', Brand: 'a' }, 'Production'),
    version(6, {}),
  ];

  it('takes the highest version of each key and ignores versions without every key tag', () => {
    expect(pickKeyedVersions(versions, ['Store', 'Brand'], undefined)).toEqual([
      { key: { Store: '10', Brand: 'a' }, version: 5, sha256: 'sha5', files: 'row' },
      { key: { Store: '2', Brand: 'a' }, version: 3, sha256: 'sha3', files: 'row' },
      { key: { Store: '2', Brand: 'b' }, version: 2, sha256: 'sha2', files: 'row' },
    ]);
  });

  it('keeps to the stage asked for', () => {
    expect(pickKeyedVersions(versions, ['Store', 'Brand'], 'production').map((v) => v.version)).toEqual([
      5, 2,
    ]);
  });
});

describe('a keyed job spec', () => {
  const base = { input: { blob: 'sales.csv' } };

  it('accepts a model name with key columns; the fallback defaults to error rows', () => {
    const spec = parseJobSpec({ ...base, model: { name: 'oj-sales', partitionBy: ['Store', 'Brand'] } });
    expect(spec.model).toEqual({ name: 'oj-sales', partitionBy: ['Store', 'Brand'], fallback: 'error' });
  });

  it.each([
    [{ name: 'oj-sales', partitionBy: ['Store', 'Store'] }, 'model.partitionBy'],
    [{ name: 'oj-sales', partitionBy: [] }, 'model.partitionBy'],
    [{ name: 'oj-sales' }, 'model.partitionBy'],
    [5, 'model'],
    [{ name: 'oj-sales@3', partitionBy: ['Store'] }, 'model.name'],
    [{ name: 'oj-sales', partitionBy: ['Store'], fallback: { model: 'bad model' } }, 'model.fallback.model'],
  ])('refuses %j naming the field', (model, field) => {
    expect(() => parseJobSpec({ ...base, model })).toThrow(ValidationError);
    try {
      parseJobSpec({ ...base, model });
    } catch (error) {
      expect((error as ValidationError).details?.field).toBe(field);
    }
  });
});
