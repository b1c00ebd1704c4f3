import { ValidationError } from '../errors';
import { binProportions } from '../runtime/drift/binCounts';
import { driftValueAt } from '../runtime/drift/predictionBins';
import type { PredictionColumn } from '../runtime/formats/ScoringBatch';
import type { FeatureBaseline, TrainingBaseline } from '../runtime/drift/TrainingBaseline';
import { cellNumber, columnOf, type TrainingTable } from './TrainingTable';

// The baseline's shape and the statistics live in the kernel, where scoring's drift reads them too.
export {
  featureBaselineSchema,
  parseTrainingBaseline,
  trainingBaselineSchema,
  type FeatureBaseline,
  type TrainingBaseline,
} from '../runtime/drift/TrainingBaseline';
export { binProportions } from '../runtime/drift/binCounts';
export { populationStabilityIndex } from '../runtime/drift/driftStatistics';

/**
 * The baseline of the given numeric features: min, max and `bins` quantile bins (default 10; fewer when
 * values repeat, as for a 0/1 column). Missing and non-numeric cells are left out.
 */
export function computeBaseline(
  table: TrainingTable,
  features: readonly string[],
  options: { bins?: number } = {},
): TrainingBaseline {
  const bins = options.bins ?? 10;
  const result: Record<string, FeatureBaseline> = {};
  for (const name of features) {
    const baseline = baselineOfValues(presentValues(table, name), bins);
    if (baseline === undefined) {
      throw new ValidationError(`Column ${name} has no numeric values to take a baseline from`, {
        field: name,
      });
    }
    result[name] = baseline;
  }
  return { rows: table.rows, features: result };
}

/**
 * The prediction baseline (the card's `training.predictionBaseline`): the distribution of a model's
 * predictions on the holdout rows, per output, of the number scoring's prediction drift follows in it
 * (see driftValueAt: the value, or a classifier's last class probability). Outputs with no
 * numeric value are left out.
 */
export function computePredictionBaseline(
  outputs: readonly PredictionColumn[],
  rows: number,
  options: { bins?: number } = {},
): TrainingBaseline {
  const result: Record<string, FeatureBaseline> = {};
  for (const column of outputs) {
    const values: number[] = [];
    for (let r = 0; r < rows; r++) {
      const value = driftValueAt(column, r);
      if (!Number.isNaN(value)) values.push(value);
    }
    const baseline = baselineOfValues(values, options.bins ?? 10);
    if (baseline !== undefined) result[column.name] = baseline;
  }
  return { rows, features: result };
}

/** Min, max and `bins` quantile bins of the values (fewer when values repeat); none for no values. */
function baselineOfValues(unsorted: number[], bins: number): FeatureBaseline | undefined {
  const values = unsorted.sort((a, b) => a - b);
  const min = values[0];
  const max = values[values.length - 1];
  if (min === undefined || max === undefined) return undefined;
  const edges: number[] = [];
  for (let i = 1; i < bins; i++) {
    // The smallest value with at least i/bins of the data at or below it; edges at the maximum would
    // leave an empty last bin.
    const edge = values[Math.ceil((i * values.length) / bins) - 1] ?? max;
    if (edge < max && edge !== edges[edges.length - 1]) edges.push(edge);
  }
  return { count: values.length, min, max, edges, proportions: binProportions(values, edges) };
}

/** The column's numeric values, without missing or non-numeric cells. */
export function presentValues(table: TrainingTable, name: string): number[] {
  const column = columnOf(table, name);
  const values: number[] = [];
  for (let r = 0; r < table.rows; r++) {
    const value = cellNumber(column[r]);
    if (value !== undefined && !Number.isNaN(value)) values.push(value);
  }
  return values;
}
