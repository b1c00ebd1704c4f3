import { z } from 'zod';
import { ValidationError } from '../../errors';
import { modelNamePattern } from '../../runtime/models/ModelCard';
import type { DatasetLocation, FanOutOptions } from './trainManyContracts';
import type { SeriesTrainingOptions } from './trainSeries';

const column = z.string().min(1).max(256);
const positiveInt = (max: number) => z.int().positive().max(max);

const requestSchema = z.strictObject({
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
});

export interface TrainManyRequest {
  readonly model: string;
  readonly dataset: DatasetLocation;
  readonly training: SeriesTrainingOptions;
  readonly fanOut: FanOutOptions;
  readonly keys?: readonly Readonly<Record<string, string>>[];
}

/** The body of `POST /api/many-models/train`; a bad one is a ValidationError naming the field. */
export function parseTrainManyRequest(body: unknown): TrainManyRequest {
  const parsed = requestSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.map(String).join('.') || undefined;
    const unknown = issue?.code === 'unrecognized_keys' ? ` (${issue.keys.join(', ')})` : '';
    throw new ValidationError(
      `Train request${field === undefined ? '' : ` field "${field}"`}: ${issue?.message ?? 'invalid'}${unknown}`,
      { field },
    );
  }
  const {
    model,
    dataset,
    keys,
    keysPerChunk,
    keysPerActivity,
    concurrency,
    maxAttempts,
    retryIntervalMs,
    ...training
  } = parsed.data;
  return {
    model,
    dataset,
    training,
    fanOut: { keysPerChunk, keysPerActivity, concurrency, maxAttempts, retryIntervalMs },
    ...(keys === undefined ? {} : { keys }),
  };
}
