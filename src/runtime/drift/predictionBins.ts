import type { PredictionColumn } from '../formats/ScoringBatch';

/**
 * The number per row whose distribution prediction drift follows in an output column: the value itself
 * for an output with one value per row (a regression's prediction, a classifier's numeric label), the
 * last value of each row for one with several (class probabilities: for a binary classifier, the
 * positive class's probability). Training's prediction baseline and scoring's counts both read it.
 */
export function driftValueAt(column: PredictionColumn, row: number): number {
  return Number(column.values[row * column.width + column.width - 1]);
}

/** An output counted in its prediction baseline's bins. */
export interface PredictionBins {
  readonly output: string;
  readonly edges: readonly number[];
}

/**
 * Per-output bin counts of a batch's predictions (see driftValueAt): one array of edges.length + 1
 * counts per entry of `bins`, in their order; an output the batch lacks counts nothing. NaN is not
 * counted.
 */
export function countPredictionBins(
  predictions: readonly PredictionColumn[],
  rows: number,
  bins: readonly PredictionBins[],
): number[][] {
  return bins.map(({ output, edges }) => {
    const counts = new Array<number>(edges.length + 1).fill(0);
    const column = predictions.find((candidate) => candidate.name === output);
    if (column === undefined) return counts;
    for (let r = 0; r < rows; r++) {
      const value = driftValueAt(column, r);
      if (value !== value) continue;
      let low = 0;
      let high = edges.length;
      while (low < high) {
        const middle = (low + high) >> 1;
        if (edges[middle]! < value) low = middle + 1;
        else high = middle;
      }
      counts[low]!++;
    }
    return counts;
  });
}
