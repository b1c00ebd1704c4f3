import { ValidationError } from '../../errors';
import { columnOf, type TrainingTable } from '../../training';
import type { ForecastFeatureSpec, Frequency } from './ForecastFeatureSpec';

export const dayMs = 86_400_000;
/** Days in a period of each frequency. */
export const periodDays: Record<Frequency, number> = { daily: 1, weekly: 7 };

/** A date's period index, or undefined when the text does not start with a valid `YYYY-MM-DD` date. */
export function periodOf(text: string, spec: Pick<ForecastFeatureSpec, 'frequency'>): number | undefined {
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
