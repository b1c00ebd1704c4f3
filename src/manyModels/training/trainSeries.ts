import { ValidationError } from '../../errors';
import { predictLinear, type DesignMatrix, type LinearModel } from '../../training';
import { linearModelToOnnx } from '../../training';
import { evaluateRegression } from '../../training';
import type { TrainingTable } from '../../training';
import { trainRidgeOn } from '../../training';
import { featuresFor, historyTail, seasonPeriods } from './forecastFeatures';
import { inferFrequency } from './forecastPeriods';
import type { ForecastFeatureSpec, Frequency, TargetHistory } from './ForecastFeatureSpec';
import { splitTimeHoldout } from './splitTimeHoldout';

/** How to train one series; everything but the columns has a default. */
export interface SeriesTrainingOptions {
  readonly time: string;
  readonly target: string;
  readonly price?: string;
  readonly promotion?: string;
  /** Default: inferred from the dates (7 days apart or more: weekly). */
  readonly frequency?: Frequency;
  /** Target lags in periods, each ≥ the holdout; default [holdout, one year]. */
  readonly lags?: readonly number[];
  /** Periods held out at the end of the series; default 8 weeks or 28 days. */
  readonly holdout?: number;
  readonly alphas?: readonly number[];
  readonly folds?: number;
  /** Fewest training rows (after lags and holdout) a series needs; default 20. */
  readonly minTrainRows?: number;
}

export interface TrainedSeries {
  readonly spec: ForecastFeatureSpec;
  readonly features: readonly string[];
  readonly model: LinearModel;
  readonly alpha: number;
  readonly onnx: Uint8Array;
  /** On the holdout periods: rmse, mae, r2, and mape when the holdout has a non-zero target. */
  readonly metrics: Readonly<Record<string, number>>;
  readonly trainingMetrics: Readonly<Record<string, number>>;
  readonly holdoutPeriods: number;
  readonly trainRows: number;
  readonly holdoutRows: number;
  /** Rows left out because their lags reach before the series' first period (or into a gap). */
  readonly droppedRows: number;
  /** The series' last known targets, enough for the lags of the periods after it. */
  readonly history: TargetHistory;
  /** The holdout rows' features (row-major, in `features` order) and targets: what another model is judged on. */
  readonly holdout: { readonly x: DesignMatrix; readonly y: Float64Array };
}

const defaultHoldout: Record<Frequency, number> = { daily: 28, weekly: 8 };

/**
 * Trains one series' model: forecasting features, a time-ordered holdout of the last periods, ridge
 * regression with alpha chosen by cross-validation on the earlier periods, holdout metrics, and the
 * ONNX graph of the fitted model (its input is the feature vector of `featuresFor`). Lags shorter than
 * the holdout are refused: at scoring time the model forecasts up to that many periods past the last
 * known value, and a shorter lag would need targets nobody knows yet.
 */
export function trainSeries(
  table: TrainingTable,
  options: SeriesTrainingOptions,
  label: string,
): TrainedSeries {
  const spec = featureSpec(table, options);
  const holdoutPeriods = options.holdout ?? defaultHoldout[spec.frequency];
  const minTrainRows = options.minTrainRows ?? 20;
  const features = featuresFor(table, spec);
  const { train: trainAt, holdout: holdoutAt } = splitTimeHoldout(features.periods, holdoutPeriods);
  if (trainAt.length < minTrainRows || holdoutAt.length === 0) {
    const longest = Math.max(...spec.lags);
    throw new ValidationError(
      `${label}: ${features.x.rows} of ${table.rows} rows have the ${longest}-period history the lags need, ` +
        `${trainAt.length} of them before the ${holdoutPeriods}-period holdout; at least ${minTrainRows} training rows ` +
        `and one holdout row are needed`,
      { field: spec.target },
    );
  }
  const y = features.y ?? new Float64Array(0);
  const fit = trainRidgeOn(
    take(features.x, trainAt),
    Float64Array.from(trainAt, (i) => y[i]!),
    {
      features: features.names,
      target: spec.target,
      alphas: options.alphas,
      folds: options.folds,
    },
  );
  const holdoutY = Float64Array.from(holdoutAt, (i) => y[i]!);
  const predicted = predictLinear(fit.model, take(features.x, holdoutAt));
  return {
    spec,
    features: features.names,
    model: fit.model,
    alpha: fit.alpha,
    onnx: linearModelToOnnx(fit.model, { docString: `${label}: ridge forecast (alpha ${fit.alpha})` }),
    metrics: holdoutMetrics(holdoutY, predicted),
    trainingMetrics: { ...fit.trainingMetrics },
    holdoutPeriods,
    trainRows: trainAt.length,
    holdoutRows: holdoutAt.length,
    droppedRows: features.droppedRows,
    history: historyTail(table, spec, Math.max(...spec.lags)),
    holdout: { x: take(features.x, holdoutAt), y: holdoutY },
  };
}

/** The feature spec of a series: the options' columns, frequency (or the data's) and checked lags. */
export function featureSpec(table: TrainingTable, options: SeriesTrainingOptions): ForecastFeatureSpec {
  const frequency = options.frequency ?? inferFrequency(table, options.time);
  const holdout = options.holdout ?? defaultHoldout[frequency];
  const lags = [...new Set(options.lags ?? [holdout, seasonPeriods[frequency]])].sort((a, b) => a - b);
  for (const lag of lags) {
    if (!Number.isInteger(lag) || lag < holdout || lag > 4 * seasonPeriods[frequency])
      throw new ValidationError(
        `Lag ${lag} is not usable: lags are whole numbers of periods from the ${holdout}-period holdout ` +
          `(the forecast horizon) to ${4 * seasonPeriods[frequency]}`,
        { field: 'lags' },
      );
  }
  return {
    time: options.time,
    target: options.target,
    ...(options.price === undefined ? {} : { price: options.price }),
    ...(options.promotion === undefined ? {} : { promotion: options.promotion }),
    frequency,
    lags,
  };
}

/** RMSE, MAE, R² and — over the rows whose target is not 0 — MAPE. */
export function holdoutMetrics(actual: Float64Array, predicted: Float64Array): Record<string, number> {
  const metrics: Record<string, number> = { ...evaluateRegression(actual, predicted) };
  let sum = 0;
  let count = 0;
  actual.forEach((value, i) => {
    if (value === 0) return;
    sum += Math.abs((value - predicted[i]!) / value);
    count++;
  });
  if (count > 0) metrics.mape = sum / count;
  return metrics;
}

function take(x: DesignMatrix, rows: readonly number[]): DesignMatrix {
  const p = x.columns;
  const values = new Float64Array(rows.length * p);
  for (let i = 0; i < rows.length; i++) {
    const from = rows[i]! * p;
    for (let j = 0; j < p; j++) values[i * p + j] = x.values[from + j]!;
  }
  return { rows: rows.length, columns: p, values };
}
