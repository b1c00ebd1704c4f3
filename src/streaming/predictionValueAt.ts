import type { PredictionColumn } from '../runtime/formats/ScoringBatch';

/** A row's prediction in one output column: a number, or an array for wider outputs. */
export function predictionValueAt(column: PredictionColumn, row: number): number | number[] {
  const values = Array.from(column.values.subarray(row * column.width, (row + 1) * column.width), Number);
  return column.width === 1 ? values[0]! : values;
}
