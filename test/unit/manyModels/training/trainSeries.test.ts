import { readFileSync } from 'node:fs';
import { ValidationError } from '../../../../src/errors';
import { featuresFor } from '../../../../src/manyModels/training/forecastFeatures';
import { trainSeries } from '../../../../src/manyModels/training/trainSeries';
import { predictLinear } from '../../../../src/training/fitRidge';
import { parseTrainingCsv } from '../../../../src/training/retrain/parseTrainingCsv';
import { partitionCsv } from './partitionCsv';

const oj = partitionCsv(readFileSync('test/fixtures/data/oj-train.csv', 'utf8'), ['Store', 'Brand']);
const options = { time: 'WeekStarting', target: 'Quantity', price: 'Price', promotion: 'Advert' };
const store2 = parseTrainingCsv(oj[0]!.text, oj[0]!.path);

describe('trainSeries', () => {
  it('trains on the periods before the last 8 weeks, with lags of 8 and 52 weeks by default', () => {
    const trained = trainSeries(store2, options, 'Store=2/Brand=dominicks');
    expect(trained.spec).toEqual({ ...options, frequency: 'weekly', lags: [8, 52] });
    expect(trained.features).toEqual([
      'price',
      'log_price',
      'promotion',
      'year_sin',
      'year_cos',
      'trend',
      'lag_8',
      'lag_52',
    ]);
    expect(trained.trainRows + trained.holdoutRows + trained.droppedRows).toBe(store2.rows);
    expect(trained.holdoutRows).toBeLessThanOrEqual(8);
    expect(Object.keys(trained.metrics).sort()).toEqual(['mae', 'mape', 'r2', 'rmse']);
    // The history the card keeps: the last 52 weeks' known targets, enough for lag 52 after the series.
    expect(trained.history.periods.length).toBeGreaterThan(40);
    expect(Math.max(...trained.history.periods) - Math.min(...trained.history.periods)).toBeLessThan(52);
  });

  it('its holdout metrics are those of the fitted weights on the last weeks', () => {
    const trained = trainSeries(store2, options, 'x');
    const features = featuresFor(store2, trained.spec);
    const last = features.periods.at(-1)!;
    const holdout = [...features.periods.keys()].filter((i) => features.periods[i]! > last - 8);
    const x = {
      rows: holdout.length,
      columns: features.x.columns,
      values: Float64Array.from(
        holdout.flatMap((i) => [
          ...features.x.values.subarray(i * features.x.columns, (i + 1) * features.x.columns),
        ]),
      ),
    };
    const predicted = predictLinear(trained.model, x);
    const actual = holdout.map((i) => features.y![i]!);
    const mae = actual.reduce((sum, value, i) => sum + Math.abs(value - predicted[i]!), 0) / actual.length;
    expect(trained.metrics.mae).toBeCloseTo(mae, 6);
  });

  it('refuses a lag shorter than the holdout: its value would not be known when forecasting', () => {
    expect(() => trainSeries(store2, { ...options, lags: [1, 52] }, 'x')).toThrow(ValidationError);
    expect(() => trainSeries(store2, { ...options, lags: [1, 52] }, 'x')).toThrow(
      'Lag 1 is not usable: lags are whole numbers of periods from the 8-period holdout (the forecast horizon) to 208',
    );
  });

  it('refuses a series too short for its lags, saying how many rows it had', () => {
    const short = parseTrainingCsv(oj[0]!.text.split('\n').slice(0, 41).join('\n'), 'short.csv');
    expect(() => trainSeries(short, options, 'Store=2/Brand=dominicks')).toThrow(
      'Store=2/Brand=dominicks: 0 of 40 rows have the 52-period history the lags need, 0 of them before the 8-period holdout; at least 20 training rows and one holdout row are needed',
    );
  });
});
