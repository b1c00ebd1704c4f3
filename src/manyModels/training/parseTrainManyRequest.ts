import { z } from 'zod';
import { ValidationError } from '../../errors';
import { modelNamePattern } from '../../runtime/models/ModelCard';
import { effectivePolicy, type PromotionPolicy } from '../../training';
import type { DatasetLocation, FanOutOptions } from './trainManyContracts';
import type { SeriesTrainingOptions } from './trainSeries';

const column = z.string().min(1).max(256);
const positiveInt = (max: number) => z.int().positive().max(max);

/**
 * The per-key promotion gate: each key's new version is promoted when its holdout metric reaches
 * `floor` and beats the key's production version by more than zero and at least `minImprovement`
 * (the retraining policy; default metric r2).
 */
export const keyPolicySchema = z.strictObject({
  metric: z.enum(['r2', 'rmse', 'mae']).optional(),
  direction: z.enum(['higher', 'lower']).optional(),
  minImprovement: z.number().nonnegative().optional(),
  floor: z.number().optional(),
});

/** The fields of a train request, shared with the scheduled declarations (`manyModels/*.json`). */
export const trainManyFields = {
  dataset: z.strictObject({ container: z.string().min(3).max(63), prefix: z.string().default('') }),
  model: z
    .string()
    .regex(modelNamePattern, 'letters, digits, ".", "_" or "-", starting with a letter or digit'),
  target: column,
  time: column,
  price: column.optional(),
  promotion: column.optional(),
  frequency: z.enum(['daily', 'weekly']).optional(),
  lags: z.array(positiveInt(10_000)).min(1).max(8).optional(),
  holdout: positiveInt(1000).optional(),
  alphas: z.array(z.number().positive()).min(1).max(50).optional(),
  folds: z.int().min(2).max(20).optional(),
  minTrainRows: positiveInt(1_000_000).optional(),
  keys: z.array(z.record(z.string(), z.string())).min(1).optional(),
  keysPerChunk: positiveInt(5000).default(500),
  keysPerActivity: positiveInt(100).default(16),
  concurrency: positiveInt(64).default(8),
  maxAttempts: positiveInt(10).default(3),
  retryIntervalMs: z.int().nonnegative().max(600_000).default(1000),
  policy: keyPolicySchema.optional(),
};

const requestSchema = z.strictObject(trainManyFields);

export interface TrainManyRequest {
  readonly model: string;
  readonly dataset: DatasetLocation;
  readonly training: SeriesTrainingOptions;
  readonly fanOut: FanOutOptions;
  readonly keys?: readonly Readonly<Record<string, string>>[];
  /** Promote each key's new version that passes this gate (none: versions are registered only). */
  readonly policy?: PromotionPolicy;
}

/** The body of `POST /api/many-models/train`; a bad one is a ValidationError naming the field. */
export function parseTrainManyRequest(body: unknown): TrainManyRequest {
  return trainManyRequestOf(parseOrThrow(requestSchema, body, 'Train request'));
}

/** The request a parsed train body (or declaration) makes. */
export function trainManyRequestOf(parsed: z.infer<typeof requestSchema>): TrainManyRequest {
  const {
    model,
    dataset,
    keys,
    keysPerChunk,
    keysPerActivity,
    concurrency,
    maxAttempts,
    retryIntervalMs,
    policy,
    ...training
  } = parsed;
  return {
    model,
    dataset,
    training,
    fanOut: { keysPerChunk, keysPerActivity, concurrency, maxAttempts, retryIntervalMs },
    ...(keys === undefined ? {} : { keys }),
    // Forecasters are regressions: effectivePolicy fills in r2, its direction and no minimum.
    ...(policy === undefined ? {} : { policy: effectivePolicy('regression', policy) }),
  };
}

/** Parses with the schema; a bad value is a ValidationError naming the field, prefixed with `what`. */
export function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.map(String).join('.') || undefined;
  const unknown = issue?.code === 'unrecognized_keys' ? ` (${issue.keys.join(', ')})` : '';
  throw new ValidationError(
    `${what}${field === undefined ? '' : ` field "${field}"`}: ${issue?.message ?? 'invalid'}${unknown}`,
    { field },
  );
}
