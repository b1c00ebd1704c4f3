import type { TargetHistory } from './ForecastFeatureSpec';

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
