import { z } from 'zod';
import { ValidationError } from '../errors';
import { inputFormats, jobInputFormats } from '../runtime/formats/InputFormat';
import { modelNamePattern } from '../runtime/models/ModelCard';
import { modelRefProblem } from '../runtime/models/ModelRef';

const blobName = z
  .string()
  .min(1)
  .max(1024)
  .refine((name) => !name.split('/').includes('..'), 'must not contain ".." segments')
  // eslint-disable-next-line no-control-regex
  .refine((name) => !/[\u0000-\u001f\u007f]/.test(name), 'must not contain control characters');

/** A folder of blobs: a name prefix ("" for the whole container), with the same limits as names. */
const blobPrefix = z
  .string()
  .max(1024)
  .refine((name) => !name.split('/').includes('..'), 'must not contain ".." segments')
  // eslint-disable-next-line no-control-regex
  .refine((name) => !/[\u0000-\u001f\u007f]/.test(name), 'must not contain control characters');

const containerName = z
  .string()
  .regex(/^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/, 'is not a valid container name');

/** A model reference (`name`, `name@7`, `name@production`), checked as the registry will read it. */
const modelRef = z
  .string()
  .max(200, 'must be a model reference of at most 200 characters')
  .superRefine((text, context) => {
    const reason = modelRefProblem(text);
    if (reason !== undefined)
      context.addIssue({
        code: 'custom',
        message: `must be a model reference: name, name@<version> or name@<stage> (${reason})`,
      });
  });

/**
 * One model per key ("many models"): each row is scored by the version of `name` tagged with the row's
 * values of the `partitionBy` columns. `fallback` says what a row whose key has no version gets: an
 * error row with the reason (default), or the prediction of another model.
 */
const keyedModelSchema = z.strictObject({
  name: z.string().regex(modelNamePattern, 'must be a model name (no @version: each key has its own)'),
  partitionBy: z
    .array(z.string().min(1).max(256))
    .min(1)
    .max(8)
    .refine((columns) => new Set(columns).size === columns.length, 'must not name a column twice'),
  /** Only versions in this stage; default: each key's latest version. */
  stage: z.enum(['production', 'staging']).optional(),
  fallback: z.union([z.literal('error'), z.strictObject({ model: modelRef })]).default('error'),
});

/** A whole number within limits; every way of missing them gets the one message that states them. */
function wholeNumber(min: number, max: number, what: string) {
  const error = `must be ${what}`;
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
}

/**
 * The delimiter of a CSV input: one ASCII character (the parser compares bytes) that cannot start a
 * record or a quoted field.
 */
const delimiter = z
  .string()
  .length(1)
  // eslint-disable-next-line no-control-regex
  .regex(/^[\u0000-\u007f]$/, 'must be an ASCII character (e.g. "," ";" "|" or a tab)')
  .refine((value) => !['\n', '\r', '"'].includes(value), 'must not be a line break or a double quote');

/**
 * A scoring job as POST /api/jobs accepts it (and as a blob drop builds it). Defaults are not applied
 * here: resolveJobSpec applies every one of them, once, at the edge.
 */
export const jobSpecSchema = z.strictObject({
  input: z
    .strictObject({
      container: containerName.optional(),
      /** The file to score (CSV, JSON Lines, Parquet). */
      blob: blobName.optional(),
      /** Image jobs: every image whose name starts with this prefix. */
      prefix: blobPrefix.optional(),
      format: z.enum(jobInputFormats).optional(),
      delimiter: delimiter.optional(),
    })
    .superRefine((input, context) => {
      if (input.blob === undefined && input.prefix === undefined)
        context.addIssue({
          code: 'custom',
          path: ['blob'],
          message: 'is required: the file to score (or input.prefix: a folder of images)',
        });
      if (input.blob !== undefined && input.prefix !== undefined)
        context.addIssue({
          code: 'custom',
          path: ['prefix'],
          message: 'give input.blob (a file) or input.prefix (a folder of images), not both',
        });
    }),
  model: z.union([modelRef, keyedModelSchema]),
  output: z
    .strictObject({
      container: containerName.optional(),
      prefix: blobName.optional(),
      format: z.enum(inputFormats).optional(),
      passThrough: z.array(z.string().min(1).max(256)).max(100).optional(),
      summaryOnly: z.boolean().optional(),
      /** Image jobs: the classes each image gets a row for, highest scores first. */
      topK: wholeNumber(1, 1000, 'a whole number of classes from 1 to 1000').optional(),
    })
    .optional(),
  partitionBytes: wholeNumber(
    64 * 1024,
    1024 * 1024 * 1024,
    'a whole number of bytes from 65536 (64 KiB) to 1073741824 (1 GiB)',
  ).optional(),
  maxConcurrency: wholeNumber(1, 64, 'a whole number of partitions from 1 to 64').optional(),
  /** Image jobs: images per partition (a shard of the folder scored by one activity). */
  imagesPerPartition: wholeNumber(1, 1000, 'a whole number of images from 1 to 1000').optional(),
  errorThreshold: z
    .strictObject({
      /** Bad rows tolerated before the job fails; -1 tolerates any number. */
      maxBadRows: wholeNumber(
        -1,
        Number.MAX_SAFE_INTEGER,
        'a whole number of rows, or -1 for any number',
      ).optional(),
      /** Failed partitions tolerated (their rows are reported) before the job fails. */
      maxFailedPartitions: wholeNumber(0, 1_000_000, 'a whole number of partitions from 0').optional(),
    })
    .optional(),
  retry: z
    .strictObject({
      maxAttempts: wholeNumber(1, 10, 'a whole number of attempts from 1 to 10').optional(),
      firstRetryIntervalMs: wholeNumber(
        100,
        600_000,
        'a whole number of milliseconds from 100 to 600000',
      ).optional(),
    })
    .optional(),
});

/** A job spec as the user wrote it: every field the user may leave out is optional. */
export type JobSpec = z.infer<typeof jobSpecSchema>;

/** Parses a job spec; a bad one is a ValidationError naming the field, as a 400 should. */
export function parseJobSpec(body: unknown): JobSpec {
  const parsed = jobSpecSchema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = innermost(parsed.error.issues[0]!);
  if (issue.code === 'unrecognized_keys') {
    // zod names the object holding the property; the property itself is what the user must fix.
    const key = (issue.keys[0] ?? '').slice(0, 100);
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
