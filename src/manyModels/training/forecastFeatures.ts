import { ValidationError } from '../../errors';
import type { DesignMatrix } from '../../training/fitRidge';
import { cellNumber, columnOf, numericColumn, type TrainingTable } from '../../training/TrainingTable';

export type Frequency = 'daily' | 'weekly';

/** Which columns hold what, and the series' time step and target lags. */
export interface ForecastFeatureSpec {
  /** ISO date column (`2015-01-05`); one row per period within a series. */
  readonly time: string;
  readonly target: string;
  /** Price column: gives `price` and `log_price`. */
  readonly price?: string;
  /** Advert / promotion flag column: gives `promotion`. */
  readonly promotion?: string;
  readonly frequency: Frequency;
  /** Target lags in periods; each must be at least the forecast horizon (see trainSeries). */
  readonly lags: readonly number[];
}

/** Known target values of a series by period index: the history lags are looked up in. */
export interface TargetHistory {
  readonly periods: readonly number[];
  readonly values: readonly number[];
}

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

const dayMs = 86_400_000;
const periodDays: Record<Frequency, number> = { daily: 1, weekly: 7 };
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
  const order = Array.from({ length: table.rows }, (_, r) => r).sort((a, b) => periods[a]! - periods[b]!);
  for (let i = 1; i < order.length; i++) {
    if (periods[order[i]!] === periods[order[i - 1]!])
      throw new ValidationError(
        `Rows ${order[i - 1]! + 1} and ${order[i]! + 1} fall in the same ${spec.frequency} period of ${spec.time}: a series has one row per period (is the data partitioned by the whole key?)`,
        { field: spec.time, row: order[i]! + 1 },
      );
  }
  const hasTarget = table.columns.includes(spec.target);
  const target = hasTarget ? numericColumn(table, spec.target) : undefined;
  const known = new Map<number, number>();
  history.periods.forEach((period, i) => known.set(period, history.values[i] ?? NaN));
  if (target) for (let r = 0; r < table.rows; r++) known.set(periods[r]!, target[r]!);
  const price = spec.price === undefined ? undefined : numericColumn(table, spec.price);
  const promotion = spec.promotion === undefined ? undefined : numericColumn(table, spec.promotion);
  const names = featureNames(spec);
  const kept = order.filter((r) => spec.lags.every((lag) => known.has(periods[r]! - lag)));
  const x: DesignMatrix = { rows: kept.length, columns: names.length, values: new Float64Array(0) };
  const values = new Float64Array(kept.length * names.length);
  kept.forEach((r, i) => {
    if (price && !(price[r]! > 0))
      throw new ValidationError(
        `Row ${r + 1} column ${spec.price}: a price must be above 0 (got ${price[r]})`,
        { field: spec.price, row: r + 1 },
      );
    const row = featureRow(periods[r]!, spec, { price: price?.[r], promotion: promotion?.[r] }, known);
    for (const [j, value] of row.entries()) values[i * names.length + j] = Math.fround(value);
  });
  return {
    names,
    x: { ...x, values },
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
export function knownTargets(history: TargetHistory): ReadonlyMap<number, number> {
  return new Map(history.periods.map((period, i) => [period, history.values[i] ?? NaN]));
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
  known: ReadonlyMap<number, number>,
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
    const last = Math.max(...known.keys());
    const unit = spec.frequency === 'weekly' ? 'weeks' : 'days';
    const reason =
      known.size === 0
        ? 'the model has no known targets to compute its lags from'
        : period - last > Math.min(...spec.lags)
          ? `${row.time} is ${period - last} ${unit} after the series' last known ${spec.target} (${dateOf(last, spec)}); the model forecasts at most ${Math.min(...spec.lags)} ${unit} ahead`
          : `lag_${missing} needs ${spec.target} of ${dateOf(period - missing, spec)}, which the model's history does not have`;
    throw new ValidationError(`${spec.time}: ${reason}`, { field: spec.time });
  }
  return featureRow(period, spec, { price, promotion }, known);
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

function featureRow(
  period: number,
  spec: ForecastFeatureSpec,
  values: { readonly price?: number; readonly promotion?: number },
  known: ReadonlyMap<number, number>,
): number[] {
  const day = period * periodDays[spec.frequency];
  const yearAngle = (2 * Math.PI * (day % 365.25)) / 365.25;
  const out: number[] = [];
  if (values.price !== undefined) out.push(values.price, Math.log(values.price));
  if (values.promotion !== undefined) out.push(values.promotion);
  out.push(Math.sin(yearAngle), Math.cos(yearAngle));
  if (spec.frequency === 'daily') {
    // 1970-01-01 was a Thursday; (day + 3) mod 7 is 0 on Mondays.
    const weekdayAngle = (2 * Math.PI * ((day + 3) % 7)) / 7;
    out.push(Math.sin(weekdayAngle), Math.cos(weekdayAngle));
  }
  out.push(period);
  for (const lag of spec.lags) out.push(known.get(period - lag)!);
  return out;
}

/** A date's period index, or undefined when the text does not start with a valid `YYYY-MM-DD` date. */
function periodOf(text: string, spec: Pick<ForecastFeatureSpec, 'frequency'>): number | undefined {
  const day = dayOf(text);
  return day === undefined ? undefined : Math.floor(day / periodDays[spec.frequency]);
}

const monthDays = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Days since 1970-01-01 of the `YYYY-MM-DD` date the text starts with, read digit by digit (training
 * reads every row's date several times; parsing a string into a Date costs several times more).
 */
function dayOf(text: string): number | undefined {
  if (text.length < 10 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return undefined;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 7);
  const day = digits(text, 8, 10);
  if (year < 0 || month < 1 || month > 12 || day < 1) return undefined;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > monthDays[month - 1]! + (month === 2 && leap ? 1 : 0)) return undefined;
  if (year >= 100) return Date.UTC(year, month - 1, day) / dayMs;
  // Date.UTC reads years 0–99 as 1900–1999.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getTime() / dayMs;
}

/** The decimal number in text[from, to), or -1 if a character there is not a digit. */
function digits(text: string, from: number, to: number): number {
  let value = 0;
  for (let i = from; i < to; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/** Each row's period index: whole days (or weeks) since 1970-01-01. */
export function periodsOf(table: TrainingTable, spec: Pick<ForecastFeatureSpec, 'time' | 'frequency'>) {
  const cells = columnOf(table, spec.time);
  return Int32Array.from({ length: table.rows }, (_, r) => {
    const text = String(cells[r] ?? '');
    const period = periodOf(text, spec);
    if (period === undefined)
      throw new ValidationError(`Row ${r + 1} column ${spec.time}: "${text}" is not a date (YYYY-MM-DD)`, {
        field: spec.time,
        row: r + 1,
      });
    return period;
  });
}

/** `weekly` when consecutive dates are at least 7 days apart, else `daily`. */
export function inferFrequency(table: TrainingTable, time: string): Frequency {
  const days = [...periodsOf(table, { time, frequency: 'daily' })].sort((a, b) => a - b);
  let smallest = Infinity;
  for (let i = 1; i < days.length; i++)
    if (days[i]! > days[i - 1]!) smallest = Math.min(smallest, days[i]! - days[i - 1]!);
  return smallest >= 7 && smallest < Infinity ? 'weekly' : 'daily';
}

/** The last `periods` periods' known target values: what the lags of later rows look up. */
export function historyTail(table: TrainingTable, spec: ForecastFeatureSpec, periods: number): TargetHistory {
  const all = periodsOf(table, spec);
  const target = numericColumn(table, spec.target);
  const last = all.reduce((max, period) => Math.max(max, period), -Infinity);
  const recent = Array.from({ length: table.rows }, (_, r) => r)
    .filter((r) => all[r]! > last - periods)
    .sort((a, b) => all[a]! - all[b]!);
  return { periods: recent.map((r) => all[r]!), values: recent.map((r) => target[r]!) };
}
