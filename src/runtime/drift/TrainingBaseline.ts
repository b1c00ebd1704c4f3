import { z } from 'zod';
import { ValidationError } from '../../errors';

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

/**
 * The training data's distribution per feature: plain JSON, kept in the model card's
 * `training.baseline` (training writes it, data checks and scoring's drift read it).
 */
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
