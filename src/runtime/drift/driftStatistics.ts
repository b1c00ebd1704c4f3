/**
 * Population stability index Σ (actual − expected) · ln(actual / expected) over the bins. Proportions are
 * floored at 1e-4 so that an empty bin adds a large but finite term.
 */
export function populationStabilityIndex(expected: readonly number[], actual: readonly number[]): number {
  if (expected.length !== actual.length) {
    throw new RangeError(`PSI: ${expected.length} expected and ${actual.length} actual proportions`);
  }
  return expected.reduce((sum, e, i) => {
    const a = Math.max(actual[i] ?? 0, 1e-4);
    const b = Math.max(e, 1e-4);
    return sum + (a - b) * Math.log(a / b);
  }, 0);
}

/**
 * The two-sample Kolmogorov–Smirnov statistic of binned data: the largest gap between the two
 * cumulative distributions at the bins' edges. A baseline keeps bin shares, not its sample, so this is
 * the KS of the data as binned on the baseline's edges (never above the KS of the raw values).
 */
export function binnedKolmogorovSmirnov(expected: readonly number[], actual: readonly number[]): number {
  if (expected.length !== actual.length) {
    throw new RangeError(`KS: ${expected.length} expected and ${actual.length} actual proportions`);
  }
  let gap = 0;
  let cumulativeExpected = 0;
  let cumulativeActual = 0;
  // The last bin closes both distributions at 1: its edge adds no gap.
  for (let i = 0; i < expected.length - 1; i++) {
    cumulativeExpected += expected[i] ?? 0;
    cumulativeActual += actual[i] ?? 0;
    gap = Math.max(gap, Math.abs(cumulativeActual - cumulativeExpected));
  }
  return gap;
}
