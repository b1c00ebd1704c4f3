/** The bin of `value` among ascending `edges`: the first i with value ≤ edges[i], else edges.length. */
export function binIndexOf(edges: ArrayLike<number>, value: number): number {
  let low = 0;
  let high = edges.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((edges[middle] ?? 0) < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Share of the values in each bin of `edges` (see FeatureBaseline). */
export function binProportions(values: ArrayLike<number>, edges: readonly number[]): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (let i = 0; i < values.length; i++) {
    const bin = binIndexOf(edges, values[i] ?? 0);
    counts[bin] = (counts[bin] ?? 0) + 1;
  }
  return counts.map((count) => (values.length === 0 ? 0 : count / values.length));
}

/** The baseline bins of one feature column of a row-major feature matrix. */
export interface FeatureBins {
  /** The column's index among the batch's feature columns. */
  readonly column: number;
  readonly edges: readonly number[];
}

/**
 * Per-feature bin counts of a batch's rows (`width` values per row, row-major): one array of
 * edges.length + 1 counts per entry of `bins`. Missing values (NaN) are not counted. Edges are rounded
 * to float32 as the values were, so that a value equal to an edge stays in the edge's bin.
 */
export function countFeatureBins(
  features: Float32Array,
  rows: number,
  width: number,
  bins: readonly FeatureBins[],
): number[][] {
  return bins.map(({ column, edges }) => {
    const rounded = Float64Array.from(edges, Math.fround);
    const counts = new Float64Array(edges.length + 1);
    const last = rounded.length;
    // The binary search is written out here: this loop runs once per row and feature.
    for (let r = 0, at = column; r < rows; r++, at += width) {
      const value = features[at]!;
      if (value !== value) continue;
      let low = 0;
      let high = last;
      while (low < high) {
        const middle = (low + high) >> 1;
        if (rounded[middle]! < value) low = middle + 1;
        else high = middle;
      }
      counts[low]!++;
    }
    return Array.from(counts);
  });
}

/** Adds `more` into `total` bin by bin (both one array per feature). */
export function addBinCounts(total: number[][], more: readonly (readonly number[])[]): void {
  more.forEach((counts, feature) => {
    const into = (total[feature] ??= new Array<number>(counts.length).fill(0));
    counts.forEach((count, bin) => (into[bin] = (into[bin] ?? 0) + count));
  });
}
