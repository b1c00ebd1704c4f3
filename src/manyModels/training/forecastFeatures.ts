import { ValidationError } from '../../errors';
import type { DesignMatrix } from '../../training';
import { cellNumber, numericColumn, type TrainingTable } from '../../training';
import type { ForecastFeatureSpec, Frequency, TargetHistory } from './ForecastFeatureSpec';
import { dayMs, periodDays, periodOf, periodsOf } from './forecastPeriods';
import { KnownTargets } from './KnownTargets';

/** A series' rows as model inputs, in time order; rows without the history their lags need are left out. */
export interface SeriesFeatures {
  readonly names: readonly string[];
  /** Rows × names, row-major; every value is float32-exact, as the ONNX model receives it. */
  readonly x: DesignMatrix;
  /** The period index of each feature row (ascending). */
  readonly periods: Int32Array;
  /** The source row (0-based) of each feature row. */
  readonly rowIndex: Int32Array;
  /** The target of each feature row, when the rows have one. */
  readonly y?: Float64Array;
  /** Source rows left out because a lag's period has no known target. */
  readonly droppedRows: number;
}

/** One seasonal cycle in periods: a year of weeks, a year of days. */
export const seasonPeriods: Record<Frequency, number> = { daily: 364, weekly: 52 };

/** Feature names in model-input order for a spec. */
export function featureNames(spec: ForecastFeatureSpec): string[] {
  return [
    ...(spec.price === undefined ? [] : ['price', 'log_price']),
    ...(spec.promotion === undefined ? [] : ['promotion']),
    'year_sin',
    'year_cos',
    ...(spec.frequency === 'daily' ? ['weekday_sin', 'weekday_cos'] : []),
    'trend',
    ...spec.lags.map((lag) => `lag_${lag}`),
  ];
}

/**
 * The features of one series' rows, computed the same way in training and at scoring time: price and
 * its log, the promotion flag, yearly (and, daily, weekday) seasonality as sin/cos, a trend (the
 * period index counted from 1970-01-01, so it needs no series start) and target lags. A lag's value is
 * the target of the period that many periods before, from `history` or from these rows themselves;
 * a row whose lag period has no known target is left out and counted.
 */
export function featuresFor(
  table: TrainingTable,
  spec: ForecastFeatureSpec,
  history: TargetHistory = { periods: [], values: [] },
): SeriesFeatures {
  const periods = periodsOf(table, spec);
  const order = Array.from({ length: table.rows }, (_, r) => r);
  // Series files are usually in time order already: sort only when they are not.
  if (periods.some((period, r) => r > 0 && period < periods[r - 1]!))
    order.sort((a, b) => periods[a]! - periods[b]!);
  for (let i = 1; i < order.length; i++) {
    if (periods[order[i]!] === periods[order[i - 1]!])
      throw new ValidationError(
        `Rows ${order[i - 1]! + 1} and ${order[i]! + 1} fall in the same ${spec.frequency} period of ${spec.time}: a series has one row per period (is the data partitioned by the whole key?)`,
        { field: spec.time, row: order[i]! + 1 },
      );
  }
  const hasTarget = table.columns.includes(spec.target);
  const target = hasTarget ? numericColumn(table, spec.target) : undefined;
  const known = new KnownTargets(history, target ? periods : undefined, target);
  const price = spec.price === undefined ? undefined : numericColumn(table, spec.price);
  const promotion = spec.promotion === undefined ? undefined : numericColumn(table, spec.promotion);
  const names = featureNames(spec);
  const kept = order.filter((r) => spec.lags.every((lag) => known.has(periods[r]! - lag)));
  const values = new Float64Array(kept.length * names.length);
  kept.forEach((r, i) => {
    if (price && !(price[r]! > 0))
      throw new ValidationError(
        `Row ${r + 1} column ${spec.price}: a price must be above 0 (got ${price[r]})`,
        { field: spec.price, row: r + 1 },
      );
    const offset = i * names.length;
    writeFeatureRow(
      values,
      offset,
      periods[r]!,
      spec,
      { price: price?.[r], promotion: promotion?.[r] },
      known,
    );
    for (let j = offset; j < offset + names.length; j++) values[j] = Math.fround(values[j]!);
  });
  return {
    names,
    x: { rows: kept.length, columns: names.length, values },
    periods: Int32Array.from(kept, (r) => periods[r]!),
    rowIndex: Int32Array.from(kept),
    ...(target ? { y: Float64Array.from(kept, (r) => target[r]!) } : {}),
    droppedRows: table.rows - kept.length,
  };
}

/** One row to forecast as read: its date and, when the spec has them, its price and promotion cells. */
export interface ForecastRow {
  readonly time: string;
  readonly price?: string;
  readonly promotion?: string;
}

/** A series' known targets by period, for `forecastRowFeatures`. */
export function knownTargets(history: TargetHistory): KnownTargets {
  return new KnownTargets(history);
}

/**
 * The model input of one row to forecast: the features `featuresFor` gives the same row, with lags
 * from the series' known targets only (a row's own target, if the data has one, is what is being
 * forecast). A row that cannot be scored is a ValidationError naming the field: a bad date or price, or
 * a date too far past the last known target for the lags.
 */
export function forecastRowFeatures(
  row: ForecastRow,
  spec: ForecastFeatureSpec,
  known: KnownTargets,
): number[] {
  const period = periodOf(row.time, spec);
  if (period === undefined)
    throw new ValidationError(`${spec.time}: "${row.time}" is not a date (YYYY-MM-DD)`, { field: spec.time });
  const price = numberCell(row.price, spec.price);
  if (price !== undefined && !(price > 0))
    throw new ValidationError(`${spec.price}: a price must be above 0 (got ${row.price})`, {
      field: spec.price,
    });
  const promotion = numberCell(row.promotion, spec.promotion);
  const missing = spec.lags.find((lag) => !known.has(period - lag));
  if (missing !== undefined) {
    const { first, last } = known;
    const unit = spec.frequency === 'weekly' ? 'weeks' : 'days';
    const reason = known.empty
      ? 'the model has no known targets to compute its lags from'
      : period - last > Math.min(...spec.lags)
        ? `${row.time} is ${period - last} ${unit} after the series' last known ${spec.target} (${dateOf(last, spec)}); the model forecasts at most ${Math.min(...spec.lags)} ${unit} ahead`
        : `lag_${missing} needs ${spec.target} of ${dateOf(period - missing, spec)}, before the first the model's history has (${dateOf(first, spec)})`;
    throw new ValidationError(`${spec.time}: ${reason}`, { field: spec.time });
  }
  const features = new Array<number>(featureNames(spec).length);
  writeFeatureRow(features, 0, period, spec, { price, promotion }, known);
  return features;
}

function numberCell(cell: string | undefined, column: string | undefined): number | undefined {
  if (column === undefined) return undefined;
  const value = cellNumber(cell);
  if (value === undefined || Number.isNaN(value))
    throw new ValidationError(
      `${column}: ${value === undefined ? `"${cell}" is not a number` : 'the value is missing'}`,
      { field: column },
    );
  return value;
}

function dateOf(period: number, spec: Pick<ForecastFeatureSpec, 'frequency'>): string {
  return new Date(period * periodDays[spec.frequency] * dayMs).toISOString().slice(0, 10);
}

/** Writes one row's features (in `featureNames` order) to out[offset…]; every lag's period must be known. */
function writeFeatureRow(
  out: { [index: number]: number },
  offset: number,
  period: number,
  spec: ForecastFeatureSpec,
  values: { readonly price?: number; readonly promotion?: number },
  known: Pick<KnownTargets, 'get'>,
): void {
  const day = period * periodDays[spec.frequency];
  const yearAngle = (2 * Math.PI * (day % 365.25)) / 365.25;
  let j = offset;
  if (values.price !== undefined) {
    out[j++] = values.price;
    out[j++] = Math.log(values.price);
  }
  if (values.promotion !== undefined) out[j++] = values.promotion;
  out[j++] = Math.sin(yearAngle);
  out[j++] = Math.cos(yearAngle);
  if (spec.frequency === 'daily') {
    // 1970-01-01 was a Thursday; (day + 3) mod 7 is 0 on Mondays.
    const weekdayAngle = (2 * Math.PI * ((day + 3) % 7)) / 7;
    out[j++] = Math.sin(weekdayAngle);
    out[j++] = Math.cos(weekdayAngle);
  }
  out[j++] = period;
  for (const lag of spec.lags) out[j++] = known.get(period - lag)!;
}

/**
 * The last `periods` periods' known target values, and, when the first of those periods has none, the
 * latest one before them (the gap is carried over from it): what the lags of later rows look up.
 */
export function historyTail(table: TrainingTable, spec: ForecastFeatureSpec, periods: number): TargetHistory {
  const all = periodsOf(table, spec);
  const target = numericColumn(table, spec.target);
  const last = all.reduce((max, period) => Math.max(max, period), -Infinity);
  const start = last - periods + 1;
  // Only when the window's first period has no row of its own is the one before needed.
  let before = -1;
  if (!all.includes(start))
    for (let r = 0; r < table.rows; r++)
      if (all[r]! < start && (before < 0 || all[r]! > all[before]!)) before = r;
  const recent = Array.from({ length: table.rows }, (_, r) => r)
    .filter((r) => all[r]! >= start || r === before)
    .sort((a, b) => all[a]! - all[b]!);
  return { periods: recent.map((r) => all[r]!), values: recent.map((r) => target[r]!) };
}
