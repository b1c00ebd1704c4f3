import { ValidationError } from '../../errors';
import type { DesignMatrix } from '../../training';
import { cellNumber, columnOf, numericColumn, type TrainingTable } from '../../training';

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
 * Known targets by period (a series' history, then its own rows, which win), as lags read them. A lag
 * whose period has no target but lies between the first and last known periods takes the latest known
 * target before it: a gap in a series (a week with no sales row) is carried over from its last value,
 * never filled from later periods. Before the first known period and after the last there is none.
 * An array over the periods' range when that range is not much larger than the values (series have
 * about one row per period), else sorted arrays searched by bisection; lag lookups run per row and lag,
 * so this is on training's hot path.
 */
export class KnownTargets {
  /** The first and last known periods (Infinity and -Infinity when none is known). */
  readonly first: number;
  readonly last: number;
  /** Dense: the value of period first + i, gaps carried over. */
  readonly #filled: Float64Array | undefined;
  /** Sparse: known periods ascending, and their values. */
  readonly #periods: Float64Array | undefined;
  readonly #values: Float64Array | undefined;

  constructor(history: TargetHistory, periods?: Int32Array, targets?: Float64Array) {
    const count = history.periods.length + (periods?.length ?? 0);
    let first = Infinity;
    let last = -Infinity;
    for (const list of [history.periods, periods ?? []])
      for (const period of list) {
        first = Math.min(first, period);
        last = Math.max(last, period);
      }
    this.first = first;
    this.last = last;
    const put = (set: (period: number, value: number) => void) => {
      history.periods.forEach((period, i) => set(period, history.values[i] ?? NaN));
      if (periods && targets) for (let r = 0; r < periods.length; r++) set(periods[r]!, targets[r]!);
    };
    if (count > 0 && last - first + 1 <= 4 * count + 1024) {
      const filled = new Float64Array(last - first + 1);
      const present = new Uint8Array(filled.length);
      put((period, value) => {
        filled[period - first] = value;
        present[period - first] = 1;
      });
      for (let i = 1; i < filled.length; i++) if (present[i] === 0) filled[i] = filled[i - 1]!;
      this.#filled = filled;
    } else {
      const byPeriod = new Map<number, number>();
      put((period, value) => byPeriod.set(period, value));
      const sorted = [...byPeriod.keys()].sort((a, b) => a - b);
      this.#periods = Float64Array.from(sorted);
      this.#values = Float64Array.from(sorted, (period) => byPeriod.get(period)!);
    }
  }

  /** Whether no target is known at all. */
  get empty(): boolean {
    return this.first > this.last;
  }

  has(period: number): boolean {
    return period >= this.first && period <= this.last;
  }

  /** The target of the period, or of the latest known period before it; undefined when !has(period). */
  get(period: number): number | undefined {
    if (!this.has(period)) return undefined;
    if (this.#filled) return this.#filled[period - this.first];
    const periods = this.#periods!;
    let low = 0;
    let high = periods.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (periods[middle]! <= period) low = middle;
      else high = middle - 1;
    }
    return this.#values![low];
  }
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

/** Days since 1970-01-01 of a column's dates, kept per column: training reads them three times. */
const daysByColumn = new WeakMap<object, Int32Array>();

/** Each row's period index: whole days (or weeks) since 1970-01-01. A new array on each call. */
export function periodsOf(
  table: TrainingTable,
  spec: Pick<ForecastFeatureSpec, 'time' | 'frequency'>,
): Int32Array {
  const cells = columnOf(table, spec.time);
  let days = daysByColumn.get(cells);
  if (days === undefined || days.length !== table.rows) {
    days = Int32Array.from({ length: table.rows }, (_, r) => {
      const text = String(cells[r] ?? '');
      const day = dayOf(text);
      if (day === undefined)
        throw new ValidationError(`Row ${r + 1} column ${spec.time}: "${text}" is not a date (YYYY-MM-DD)`, {
          field: spec.time,
          row: r + 1,
        });
      return day;
    });
    daysByColumn.set(cells, days);
  }
  const length = periodDays[spec.frequency];
  return length === 1 ? days.slice() : days.map((day) => Math.floor(day / length));
}

/** `weekly` when consecutive dates are at least 7 days apart, else `daily`. */
export function inferFrequency(table: TrainingTable, time: string): Frequency {
  const days = [...periodsOf(table, { time, frequency: 'daily' })].sort((a, b) => a - b);
  let smallest = Infinity;
  for (let i = 1; i < days.length; i++)
    if (days[i]! > days[i - 1]!) smallest = Math.min(smallest, days[i]! - days[i - 1]!);
  return smallest >= 7 && smallest < Infinity ? 'weekly' : 'daily';
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
