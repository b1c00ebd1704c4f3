import type { DesignMatrix } from './fitRidge';

/** Per-column means and scales that standardise the features (mean 0, standard deviation 1). */
export interface ColumnMoments {
  readonly means: Float64Array;
  /** Population standard deviations, as scikit-learn's StandardScaler; 1 for a constant column. */
  readonly scales: Float64Array;
}

/**
 * Means and population standard deviations of every column of x. Sums are taken of the values minus the
 * column's first value, so a constant column has a standard deviation of exactly 0 (a mean that rounds
 * away from the value would otherwise leave a tiny one and a huge, meaningless weight).
 */
export function columnMoments(x: DesignMatrix): ColumnMoments {
  const means = new Float64Array(x.columns);
  const scales = new Float64Array(x.columns);
  for (let j = 0; j < x.columns; j++) {
    const first = x.values[j] ?? 0;
    let sum = 0;
    for (let r = 0; r < x.rows; r++) sum += (x.values[r * x.columns + j] ?? 0) - first;
    const offset = sum / x.rows;
    let squares = 0;
    for (let r = 0; r < x.rows; r++) squares += ((x.values[r * x.columns + j] ?? 0) - first - offset) ** 2;
    const std = Math.sqrt(squares / x.rows);
    means[j] = first + offset;
    // A constant column carries no signal; scale 1 keeps its weight at 0 instead of dividing by zero.
    scales[j] = std > 0 ? std : 1;
  }
  return { means, scales };
}
