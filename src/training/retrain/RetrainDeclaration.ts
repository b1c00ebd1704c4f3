import { z } from 'zod';
import { ValidationError } from '../../errors';
import type { ModelCard } from '../../runtime/models/ModelCard';
import type { MetricName, PromotionPolicy } from './decidePromotion';

const metricNames = ['rmse', 'mae', 'r2', 'accuracy', 'logLoss', 'auc'] as const;
const regressionMetrics: readonly MetricName[] = ['rmse', 'mae', 'r2'];
const lowerIsBetter: readonly MetricName[] = ['rmse', 'mae', 'logLoss'];

const relativePath = z
  .string()
  .min(1)
  .refine((value) => !value.split(/[\\/]/).includes('..') && !/^([\\/]|[A-Za-z]:)/.test(value), {
    message: 'must be a relative path without ".." segments',
  });

/**
 * Where the training data is: a CSV blob `container/path.csv`, a folder of CSV blobs
 * `container/folder/` (read as one data set: see readBlobPrefixSource), a CSV file deployed with the
 * app, or the model's feedback (its labelled rows joined with the scored rows: docs/feedback.md).
 */
export const trainingSourceSchema = z.union([
  z.strictObject({ blob: z.string().regex(/^[a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])?\/.+$/, 'container/path') }),
  z.strictObject({ file: relativePath }),
  z.strictObject({ feedback: z.strictObject({ minRows: z.int().positive().optional() }) }),
  z.strictObject({
    blobPrefix: z
      .string()
      .regex(/^[a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])?\/(?:.+\/)?$/, 'container/folder/ (ending with "/")'),
  }),
]);

const policyFields = {
  metric: z.enum(metricNames).optional(),
  direction: z.enum(['higher', 'lower']).optional(),
  minImprovement: z.number().nonnegative().optional(),
  floor: z.number().optional(),
};

const holdoutFields = {
  fraction: z.number().gt(0).lt(1).optional(),
  seed: z.int().optional(),
};

/** A card's `retraining` field: what the nightly run trains on, and how it judges the candidate. */
export const retrainDeclarationSchema = z.strictObject({
  source: trainingSourceSchema,
  /** The label column; default the card's `training.target`. */
  target: z.string().min(1).optional(),
  holdout: z.strictObject(holdoutFields).optional(),
  policy: z.strictObject(policyFields).optional(),
  /** Data checks (see TrainingDataSpec); distribution and range are checked against the production baseline. */
  checks: z
    .strictObject({
      minRows: z.int().positive().optional(),
      maxMissingFraction: z.number().min(0).max(1).optional(),
      ranges: z
        .record(z.string(), z.strictObject({ min: z.number().optional(), max: z.number().optional() }))
        .optional(),
      rangeTolerance: z.number().nonnegative().optional(),
      psiWarning: z.number().positive().optional(),
      psiFailure: z.number().positive().optional(),
    })
    .optional(),
  /** Ridge: candidate penalties for cross-validation, and folds. */
  alphas: z.array(z.number().positive()).min(1).optional(),
  folds: z.int().min(2).optional(),
  /** Logistic: the L2 penalty. */
  l2: z.number().nonnegative().optional(),
});

/** What a run request may change for that run only (POST /api/models/{name}/retrain). */
export const retrainOverridesSchema = z.strictObject({
  reason: z.string().max(500).optional(),
  policy: z.strictObject(policyFields).optional(),
  holdout: z.strictObject(holdoutFields).optional(),
  alphas: z.array(z.number().positive()).min(1).optional(),
  l2: z.number().nonnegative().optional(),
});

export type TrainingSource = z.infer<typeof trainingSourceSchema>;
export type RetrainDeclaration = z.infer<typeof retrainDeclarationSchema>;
export type RetrainOverrides = z.infer<typeof retrainOverridesSchema>;

/** The card's `retraining` declaration, undefined when it has none; a malformed one is a ValidationError. */
export function retrainDeclarationOf(card: ModelCard, where: string): RetrainDeclaration | undefined {
  const value: unknown = card.retraining;
  if (value === undefined) return undefined;
  return parseOrThrow(retrainDeclarationSchema, value, `Model card ${where}: "retraining"`, 'retraining');
}

/** Parses a run request's body (an empty body is no overrides). */
export function parseRetrainOverrides(value: unknown): RetrainOverrides {
  return parseOrThrow(retrainOverridesSchema, value ?? {}, 'Retrain request', '');
}

/**
 * The policy a run applies: the request's fields over the card's, over the defaults (r2 for regression,
 * accuracy for classification; higher or lower is better as the metric implies; no minimum, no floor).
 */
export function effectivePolicy(
  task: 'regression' | 'classification',
  ...layers: (Partial<PromotionPolicy> | undefined)[]
): PromotionPolicy {
  const merged: Partial<PromotionPolicy> = {};
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer ?? {}))
      if (value !== undefined) (merged as Record<string, unknown>)[key] = value;
  }
  const metric = merged.metric ?? (task === 'regression' ? 'r2' : 'accuracy');
  if (regressionMetrics.includes(metric) !== (task === 'regression')) {
    throw new ValidationError(
      `Promotion metric ${metric} does not apply to a ${task} model; use ${task === 'regression' ? 'r2, rmse or mae' : 'accuracy, logLoss or auc'}.`,
      { field: 'policy.metric' },
    );
  }
  return {
    metric,
    direction: merged.direction ?? (lowerIsBetter.includes(metric) ? 'lower' : 'higher'),
    minImprovement: merged.minImprovement ?? 0,
    ...(merged.floor === undefined ? {} : { floor: merged.floor }),
  };
}

/** `container/path` of a blob source, the folder of a blob prefix, or the file path, as the run report names it. */
export function describeSource(source: TrainingSource, model = ''): string {
  if ('feedback' in source) return `feedback ${model}`;
  if ('blobPrefix' in source) return `blobs ${source.blobPrefix}*.csv`;
  return 'blob' in source ? `blob ${source.blob}` : `file ${source.file}`;
}

function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, what: string, prefix: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue?.path.map(String).join('.') ?? '';
  const field = [prefix, path].filter((part) => part !== '').join('.') || undefined;
  const message =
    issue?.code === 'unrecognized_keys'
      ? `unknown property "${issue.keys.join('", "')}"`
      : (issue?.message ?? 'invalid');
  throw new ValidationError(`${what}${field === undefined ? '' : ` field "${field}"`}: ${message}`, {
    field,
  });
}
