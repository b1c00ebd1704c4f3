import { createSalesSeries, type SalesSeries } from './SalesSeries';
import { SeededRandom } from './SeededRandom';

export const SALES_HEADER = 'WeekStarting,Store,Brand,Quantity,Advert,Price,Age60,COLLEGE,INCOME,Hincome150';

export interface SalesDataShape {
  /** Number of store × brand series. */
  readonly series: number;
  /** Total data rows; each series gets rows/series weeks (the first rows % series series one more). */
  readonly rows: number;
  /** Default 1. */
  readonly seed?: number;
}

/** One week of output: its CSV text (complete lines) and how many rows it holds. */
export interface SalesWeek {
  readonly week: number;
  readonly rows: number;
  readonly text: string;
}

const FIRST_WEEK_MS = Date.UTC(1990, 5, 14);
const WEEK_MS = 7 * 24 * 3600 * 1000;

/**
 * Synthetic weekly sales shaped like the orange juice reference data, one chunk per week with every
 * series' row for that week (as real exports are ordered), so that rows of one series are spread over
 * the whole file. Deterministic: the same shape and seed always give the same text.
 */
export function* generateSalesWeeks(shape: SalesDataShape): Generator<SalesWeek> {
  const { series: seriesCount, rows } = checkShape(shape);
  const seed = shape.seed ?? 1;
  const series: SalesSeries[] = [];
  for (let i = 0; i < seriesCount; i++) series.push(createSalesSeries(seed, i));
  const random = new SeededRandom(seed);
  const weeks = Math.ceil(rows / seriesCount);
  for (let week = 0; week < weeks; week++) {
    const inWeek = Math.min(seriesCount, rows - week * seriesCount);
    const date = new Date(FIRST_WEEK_MS + week * WEEK_MS).toISOString().slice(0, 10);
    const lines: string[] = [];
    for (let i = 0; i < inWeek; i++) lines.push(formatSalesRow(date, week, series[i]!, random));
    yield { week, rows: inWeek, text: lines.join('\n') + '\n' };
  }
}

function formatSalesRow(date: string, week: number, s: SalesSeries, random: SeededRandom): string {
  const promoted = random.next() < 0.25;
  const discount = promoted ? random.between(0.1, 0.35) : 0;
  const priceCents = Math.max(50, Math.round(s.basePriceCents * (1 - discount) + 4 * random.normal()));
  const advert = random.next() < (promoted ? 0.5 : 0.1) ? 1 : 0;
  const logQuantity =
    s.level +
    s.elasticity * Math.log(priceCents / s.basePriceCents) +
    s.advertLift * advert +
    s.seasonalAmplitude * Math.sin((2 * Math.PI * week) / 52 + s.seasonalPhase) +
    s.noise * random.normal();
  const quantity = Math.round(Math.exp(logQuantity));
  const cents = priceCents % 100;
  const price = `${(priceCents - cents) / 100}.${cents < 10 ? '0' : ''}${cents}`;
  return `${date},${s.store},${s.brand},${quantity},${advert},${price}${s.demographics}`;
}

function checkShape(shape: SalesDataShape): { series: number; rows: number } {
  const { series, rows } = shape;
  if (!Number.isSafeInteger(series) || series < 1) {
    throw new RangeError(`series must be a positive integer, got ${series}`);
  }
  if (!Number.isSafeInteger(rows) || rows < 0) {
    throw new RangeError(`rows must be a non-negative integer, got ${rows}`);
  }
  if (shape.seed !== undefined && !Number.isSafeInteger(shape.seed)) {
    throw new RangeError(`seed must be an integer, got ${shape.seed}`);
  }
  return { series, rows };
}
