import { readFileSync } from 'node:fs';
import { ValidationError } from '../../../../src/errors';
import { featureNames, featuresFor } from '../../../../src/manyModels/training/forecastFeatures';
import { inferFrequency, periodsOf } from '../../../../src/manyModels/training/forecastPeriods';
import type { ForecastFeatureSpec } from '../../../../src/manyModels/training/ForecastFeatureSpec';
import { parseTrainingCsv } from '../../../../src/training/retrain/parseTrainingCsv';
import { partitionCsv } from './partitionCsv';

const weekly: ForecastFeatureSpec = {
  time: 'week',
  target: 'sales',
  price: 'price',
  promotion: 'ad',
  frequency: 'weekly',
  lags: [1, 3],
};

/** Weekly rows (Thursdays from 1990-06-14), sales = 10 × week number, one week missing. */
function weeks(numbers: readonly number[]) {
  const lines = numbers.map((n) => {
    const date = new Date(Date.UTC(1990, 5, 14) + n * 7 * 86_400_000).toISOString().slice(0, 10);
    return `${date},${10 * n},${1 + n / 10},${n % 2}`;
  });
  return parseTrainingCsv(`week,sales,price,ad\n${lines.join('\n')}\n`, 'weeks.csv');
}

describe('featuresFor', () => {
  it('names the features in model-input order', () => {
    expect(featureNames(weekly)).toEqual([
      'price',
      'log_price',
      'promotion',
      'year_sin',
      'year_cos',
      'trend',
      'lag_1',
      'lag_3',
    ]);
    expect(featureNames({ time: 'd', target: 'q', frequency: 'daily', lags: [28] })).toEqual([
      'year_sin',
      'year_cos',
      'weekday_sin',
      'weekday_cos',
      'trend',
      'lag_28',
    ]);
  });

  it('orders rows by time, looks lags up by period, carries a gap over from the last known week, and drops rows whose lag reaches before the series', () => {
    // Rows out of order, and week 5 missing: week 6's lag 1 and week 8's lag 3 fall in the gap and take
    // week 4's sales; weeks 0-2 reach before the first week (lag 3).
    const table = weeks([3, 0, 1, 2, 4, 6, 7, 8]);
    const features = featuresFor(table, weekly);
    const lag1 = features.names.indexOf('lag_1');
    const lag3 = features.names.indexOf('lag_3');
    const trend = features.names.indexOf('trend');
    const rows = [0, 1, 2, 3, 4];
    const at = (i: number, j: number) => features.x.values[i * features.x.columns + j];
    expect(features.droppedRows).toBe(3);
    expect(Array.from(features.rowIndex)).toEqual([0, 4, 5, 6, 7]); // weeks 3, 4, 6, 7, 8
    expect(Array.from(features.y!)).toEqual([30, 40, 60, 70, 80]);
    expect(rows.map((i) => at(i, lag1))).toEqual([20, 30, 40, 60, 70]);
    expect(rows.map((i) => at(i, lag3))).toEqual([0, 10, 30, 40, 40]);
    // The trend counts weeks since 1970-01-01 (a Thursday, as 1990-06-14 is): consecutive weeks differ by 1.
    const week0 = (Date.UTC(1990, 5, 14) - Date.UTC(1970, 0, 1)) / (7 * 86_400_000);
    expect(Number.isInteger(week0)).toBe(true);
    expect(rows.map((i) => at(i, trend))).toEqual([3, 4, 6, 7, 8].map((n) => week0 + n));
    expect(at(0, 1)).toBeCloseTo(Math.log(1.3), 6);
    expect(at(0, 2)).toBe(1);
  });

  it('carries gaps over the same way when the periods are too sparse for an array', () => {
    // Weeks 0, 1, 2 and then 5,000 weeks later: a range far larger than the rows.
    const table = weeks([0, 1, 2, 5000, 5001, 5003]);
    const features = featuresFor(table, { ...weekly, lags: [1, 3] });
    const lag1 = features.names.indexOf('lag_1');
    const lag3 = features.names.indexOf('lag_3');
    const at = (i: number, j: number) => features.x.values[i * features.x.columns + j];
    // Weeks 5000, 5001 and 5003: lag 1 is week 2's sales (carried over), 50000, and 50010 (week 5002
    // missing: week 5001's); lag 3 is week 2's for all three but the last (week 5000's).
    expect(Array.from(features.y!)).toEqual([50000, 50010, 50030]);
    expect([0, 1, 2].map((i) => at(i, lag1))).toEqual([20, 50000, 50010]);
    expect([0, 1, 2].map((i) => at(i, lag3))).toEqual([20, 20, 50000]);
    expect(features.droppedRows).toBe(3);
  });

  it('takes lags from the history of earlier targets (scoring rows have no target)', () => {
    const table = weeks([10, 11]);
    const noTarget = {
      columns: table.columns.filter((name) => name !== 'sales'),
      values: table.values.filter((_, c) => table.columns[c] !== 'sales'),
      rows: table.rows,
    };
    const base = periodsOf(table, weekly)[0]!;
    const history = { periods: [base - 3, base - 2, base - 1], values: [7, 8, 9] };
    const features = featuresFor(noTarget, { ...weekly, lags: [2, 3] }, history);
    expect(features.y).toBeUndefined();
    expect(features.x.rows).toBe(2);
    const lag2 = features.names.indexOf('lag_2');
    const lag3 = features.names.indexOf('lag_3');
    expect(features.x.values[lag2]).toBe(8);
    expect(features.x.values[lag3]).toBe(7);
    expect(features.x.values[features.x.columns + lag2]).toBe(9);
    expect(features.x.values[features.x.columns + lag3]).toBe(8);
  });

  it('gives yearly seasonality for weeks and weekday seasonality for days', () => {
    const a = featuresFor(weeks([0]), { ...weekly, lags: [] });
    const b = featuresFor(weeks([52]), { ...weekly, lags: [] });
    const sin = a.names.indexOf('year_sin');
    // 52 weeks later is the same time of year, to within the day and a quarter a year drifts by.
    expect(Math.abs(a.x.values[sin]! - b.x.values[sin]!)).toBeLessThan(0.03);
    const days = parseTrainingCsv('d,q\n2024-01-01,1\n2024-01-02,2\n2024-01-08,3\n', 'days.csv');
    const daily = featuresFor(days, { time: 'd', target: 'q', frequency: 'daily', lags: [] });
    const weekday = daily.names.indexOf('weekday_sin');
    const cell = (i: number) => daily.x.values[i * daily.x.columns + weekday];
    // 2024-01-01 and 2024-01-08 are Mondays (weekday 0: sin 0); the Tuesday between is not.
    expect(cell(0)).toBe(0);
    expect(cell(2)).toBe(0);
    expect(cell(1)).toBeCloseTo(Math.fround(Math.sin((2 * Math.PI) / 7)), 6);
  });

  it('gives values the float32 model input holds exactly', () => {
    const features = featuresFor(weeks([0, 1, 2, 3]), weekly);
    expect(Array.from(features.x.values)).toEqual(Array.from(Float32Array.from(features.x.values)));
  });

  it.each([
    [
      'a date that is not one',
      'week,sales,price,ad\n14/06/1990,1,1,0\n',
      /^Row 1 column week: "14\/06\/1990" is not a date/,
    ],
    [
      'two rows in one period',
      'week,sales,price,ad\n1990-06-14,1,1,0\n1990-06-15,2,1,0\n',
      /^Rows 1 and 2 fall in the same weekly period of week/,
    ],
    [
      'a price of 0',
      'week,sales,price,ad\n1990-06-14,1,0,0\n',
      /^Row 1 column price: a price must be above 0/,
    ],
    [
      'a missing target',
      'week,sales,price,ad\n1990-06-14,,1,0\n',
      /^Training data row 1 column sales: the value is missing/,
    ],
  ])('refuses %s', (_what, csv, message) => {
    const table = parseTrainingCsv(csv, 'bad.csv');
    expect(() => featuresFor(table, { ...weekly, lags: [] })).toThrow(ValidationError);
    expect(() => featuresFor(table, { ...weekly, lags: [] })).toThrow(message);
  });
});

describe('inferFrequency', () => {
  it('reads weekly OJ series and daily HTS series from their dates', () => {
    const oj = partitionCsv(readFileSync('test/fixtures/data/oj-train.csv', 'utf8'), ['Store', 'Brand']);
    const hts = partitionCsv(readFileSync('test/fixtures/data/hts-sample-train.csv', 'utf8'), [
      'store_id',
      'SKU',
    ]);
    expect(inferFrequency(parseTrainingCsv(oj[0]!.text, 'oj'), 'WeekStarting')).toBe('weekly');
    expect(inferFrequency(parseTrainingCsv(hts[0]!.text, 'hts'), 'date')).toBe('daily');
  });
});

describe('periodsOf', () => {
  const table = (dates: readonly string[]) =>
    parseTrainingCsv(`d,v\n${dates.map((d) => `${d},1`).join('\n')}\n`, 'd.csv');

  it('counts days (and weeks) from 1970-01-01 as the calendar does, leap days included', () => {
    const dates: string[] = [];
    for (let day = -700_000; day < 60_000; day += 997)
      dates.push(new Date(day * 86_400_000).toISOString().slice(0, 10));
    dates.push('2016-02-29', '2000-02-29', '1970-01-01', '0099-12-31', '2015-01-05T00:00:00');
    const expected = dates.map((d) => Math.floor(Date.parse(`${d.slice(0, 10)}T00:00:00Z`) / 86_400_000));
    expect([...periodsOf(table(dates), { time: 'd', frequency: 'daily' })]).toEqual(expected);
    expect([...periodsOf(table(dates), { time: 'd', frequency: 'weekly' })]).toEqual(
      expected.map((d) => Math.floor(d / 7)),
    );
  });

  it.each([
    '2015-02-29',
    '1900-02-29',
    '2015-13-01',
    '2015-00-10',
    '2015-04-31',
    '2015-1-05',
    '05/01/2015',
    '2015-01-0x',
  ])('refuses %s naming the row and column', (date) => {
    expect(() => periodsOf(table(['2015-01-05', date]), { time: 'd', frequency: 'daily' })).toThrow(
      `Row 2 column d: "${date}" is not a date (YYYY-MM-DD)`,
    );
  });
});
