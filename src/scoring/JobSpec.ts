import { z } from 'zod';
import { ValidationError } from '../errors';

export const inputFormats = ['csv', 'jsonl', 'parquet'] as const;
export type InputFormat = (typeof inputFormats)[number];

const blobName = z
  .string()
  .min(1)
  .max(1024)
  .refine((name) => !name.split('/').includes('..'), 'must not contain ".." segments')
  // eslint-disable-next-line no-control-regex
  .refine((name) => !/[\u0000-\u001f\u007f]/.test(name), 'must not contain control characters');

const containerName = z
  .string()
  .regex(/^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/, 'is not a valid container name');

const modelRef = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_.-]*(@[A-Za-z0-9_.-]+)?$/,
    'must be a model reference: name, name@<version> or name@<stage>',
  );

/**
 * One model per key ("many models"): each row is scored by the version of `name` tagged with the row's
 * values of the `partitionBy` columns. `fallback` says what a row whose key has no version gets: an
 * error row with the reason (default), or the prediction of another model.
 */
const keyedModelSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'must be a model name (no @version: each key has its own)'),
  partitionBy: z
    .array(z.string().min(1))
    .min(1)
    .max(8)
    .refine((columns) => new Set(columns).size === columns.length, 'must not name a column twice'),
  /** Only versions in this stage; default: each key's latest version. */
  stage: z.enum(['production', 'staging']).optional(),
  fallback: z.union([z.literal('error'), z.strictObject({ model: modelRef })]).default('error'),
});

export type KeyedModelSpec = z.infer<typeof keyedModelSchema>;

/** A scoring job as POST /api/jobs accepts it (and as a blob drop builds it). */
export const jobSpecSchema = z.strictObject({
  input: z.strictObject({
    container: containerName.optional(),
    blob: blobName,
    format: z.enum(inputFormats).optional(),
    delimiter: z.string().length(1).optional(),
  }),
  model: z.union([modelRef, keyedModelSchema]),
  output: z
    .strictObject({
      container: containerName.optional(),
      prefix: blobName.optional(),
      format: z.enum(inputFormats).optional(),
      passThrough: z.array(z.string().min(1)).max(100).optional(),
      summaryOnly: z.boolean().optional(),
    })
    .default({}),
  partitionBytes: z
    .number()
    .int()
    .min(64 * 1024)
    .max(1024 * 1024 * 1024)
    .optional(),
  maxConcurrency: z.number().int().min(1).max(64).optional(),
  errorThreshold: z
    .strictObject({
      /** Bad rows tolerated before the job fails; -1 tolerates any number. */
      maxBadRows: z.number().int().min(-1).default(-1),
      /** Failed partitions tolerated (their rows are reported) before the job fails. */
      maxFailedPartitions: z.number().int().min(0).default(0),
    })
    .default({ maxBadRows: -1, maxFailedPartitions: 0 }),
  retry: z
    .strictObject({
      maxAttempts: z.number().int().min(1).max(10).default(3),
      firstRetryIntervalMs: z.number().int().min(100).max(600_000).default(1000),
    })
    .default({ maxAttempts: 3, firstRetryIntervalMs: 1000 }),
});

export type JobSpec = z.infer<typeof jobSpecSchema>;

/** Parses a job spec; a bad one is a ValidationError naming the field, as a 400 should. */
export function parseJobSpec(body: unknown): JobSpec {
  const parsed = jobSpecSchema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = innermost(parsed.error.issues[0]!);
  if (issue.code === 'unrecognized_keys') {
    // zod names the object holding the property; the property itself is what the user must fix.
    const key = issue.keys[0] ?? '';
    const field = [...issue.path, key].join('.');
    const within = issue.path.length > 0 ? ` in "${issue.path.join('.')}"` : '';
    throw new ValidationError(`Job spec field "${field}": unknown property "${key}"${within}`, { field });
  }
  const field = issue.path.join('.') || '(body)';
  throw new ValidationError(`Job spec field "${field}": ${issue.message}`, { field });
}

/**
 * For a value that matches no option of a union (`model` is a reference or a keyed object), the issue
 * of the option of the value's kind (a string's, an object's) with its full path; zod's own says only
 * "Invalid input".
 */
function innermost(issue: z.core.$ZodIssue): z.core.$ZodIssue {
  if (issue.code !== 'invalid_union') return issue;
  const branch = issue.errors.find(
    (issues) => issues[0] !== undefined && (issues[0].code !== 'invalid_type' || issues[0].path.length > 0),
  );
  if (branch?.[0] === undefined)
    return {
      ...issue,
      message: 'must be a model reference (name, name@<version|stage>) or { name, partitionBy }',
    };
  return innermost({ ...branch[0], path: [...issue.path, ...branch[0].path] });
}

/** The input format from the spec or the blob name's extension. */
export function inputFormatOf(spec: JobSpec): InputFormat {
  if (spec.input.format) return spec.input.format;
  const extension = /\.([a-z]+)$/i.exec(spec.input.blob)?.[1]?.toLowerCase();
  if (extension === 'csv' || extension === 'txt') return 'csv';
  if (extension === 'jsonl' || extension === 'ndjson' || extension === 'json') return 'jsonl';
  if (extension === 'parquet') return 'parquet';
  throw new ValidationError(
    `Cannot tell the format of "${spec.input.blob}": use .csv, .jsonl or .parquet, or set input.format.`,
    { field: 'input.format' },
  );
}

/** The model as the job record and messages show it: `name@stage`, or `name by Store, Brand`. */
export function modelLabelOf(spec: Pick<JobSpec, 'model'>): string {
  return typeof spec.model === 'string'
    ? spec.model
    : `${spec.model.name} by ${spec.model.partitionBy.join(', ')}`;
}
