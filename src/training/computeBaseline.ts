import { z } from 'zod';
import { ValidationError } from '../errors';
import { cellNumber, columnOf, type TrainingTable } from './TrainingTable';

/**
 * One feature's distribution in the training data: bin i holds values v with edges[i−1] < v ≤ edges[i]
 * (the first bin everything up to edges[0], the last everything above the last edge).
 */
export const featureBaselineSchema = z.object({
  /** Non-missing values counted. */
  count: z.int().nonnegative(),
  min: z.number(),
  max: z.number(),
  /** Ascending inner cut points, from quantiles of the data. */
  edges: z.array(z.number()),
  /** Share of the values in each bin (edges.length + 1 of them). */
  proportions: z.array(z.number().min(0).max(1)),
});

/** The training data's distribution per feature: plain JSON, so it can live in a model card. */
export const trainingBaselineSchema = z.object({
  rows: z.int().nonnegative(),
  features: z.record(
    z.string(),
    featureBaselineSchema.refine((f) => f.proportions.length === f.edges.length + 1, {
      message: 'needs one proportion more than edges',
    }),
  ),
});

export type FeatureBaseline = z.infer<typeof featureBaselineSchema>;
export type TrainingBaseline = z.infer<typeof trainingBaselineSchema>;

/** Parses a baseline read back from JSON (e.g. a model card), or a ValidationError naming the field. */
export function parseTrainingBaseline(value: unknown, file: string): TrainingBaseline {
  const result = trainingBaselineSchema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.map(String).join('.') || undefined;
  throw new ValidationError(`Baseline in ${file}: ${field ?? ''} ${issue?.message ?? 'invalid'}`.trim(), {
    file,
    field,
  });
}

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
    const values = presentValues(table, name).sort((a, b) => a - b);
    const min = values[0];
    const max = values[values.length - 1];
    if (min === undefined || max === undefined) {
      throw new ValidationError(`Column ${name} has no numeric values to take a baseline from`, {
        field: name,
      });
    }
    const edges: number[] = [];
    for (let i = 1; i < bins; i++) {
      // The smallest value with at least i/bins of the data at or below it; edges at the maximum would
      // leave an empty last bin.
      const edge = values[Math.ceil((i * values.length) / bins) - 1] ?? max;
      if (edge < max && edge !== edges[edges.length - 1]) edges.push(edge);
    }
    result[name] = { count: values.length, min, max, edges, proportions: binProportions(values, edges) };
  }
  return { rows: table.rows, features: result };
}

/** Share of the values in each bin of `edges` (see FeatureBaseline). */
export function binProportions(values: ArrayLike<number>, edges: readonly number[]): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (let i = 0; i < values.length; i++) {
    const value = values[i] ?? 0;
    // Binary search for the first edge ≥ value.
    let low = 0;
    let high = edges.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((edges[middle] ?? 0) < value) low = middle + 1;
      else high = middle;
    }
    counts[low] = (counts[low] ?? 0) + 1;
  }
  return counts.map((count) => (values.length === 0 ? 0 : count / values.length));
}

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
