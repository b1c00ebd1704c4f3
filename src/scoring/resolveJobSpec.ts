import { ValidationError } from '../errors';
import { requireFormatOfName, type InputFormat, type JobInputFormat } from '../runtime/formats/InputFormat';
import { formatModelRef, parseModelRef, type ModelRef } from '../runtime/models/ModelRef';
import type { DataContainers } from '../storage/DataContainers';
import type { JobSpec } from './JobSpec';

/**
 * One model for every row, a version per key (`partitionBy`) with a fallback for keys without one, or
 * one image model for every image of a folder.
 */
export type ModelSpec =
  | { readonly kind: 'single'; readonly ref: ModelRef }
  | { readonly kind: 'image'; readonly ref: ModelRef }
  | {
      readonly kind: 'keyed';
      readonly name: string;
      readonly partitionBy: readonly string[];
      readonly stage?: 'production' | 'staging';
      readonly fallback: 'error' | { readonly model: ModelRef };
    };

/** A job spec with every default applied and every container checked: what the job runs with. */
export interface ResolvedJobSpec {
  readonly input: {
    readonly container: string;
    /** The file; for image jobs (format `images`), the prefix of the images' names. */
    readonly blob: string;
    readonly format: JobInputFormat;
    readonly delimiter: string;
    /** Blob drops: the version that fired, so the job scores exactly those bytes. */
    readonly etag?: string;
    /** Image jobs: `blob` names one image (a dropped image) rather than a prefix of many. */
    readonly singleImage?: boolean;
  };
  readonly model: ModelSpec;
  readonly output: {
    readonly container: string;
    readonly prefix: string;
    readonly format: InputFormat;
    readonly passThrough: readonly string[];
    readonly summaryOnly: boolean;
    /** Image jobs: rows (classes) per image. */
    readonly topK?: number;
  };
  readonly partitionBytes: number;
  /** Image jobs: images per partition. */
  readonly imagesPerPartition?: number;
  readonly maxConcurrency: number;
  readonly errorThreshold: { readonly maxBadRows: number; readonly maxFailedPartitions: number };
  readonly retry: { readonly maxAttempts: number; readonly firstRetryIntervalMs: number };
}

/** The defaults a job spec is resolved with, from the app's settings. */
export interface JobDefaults {
  /** The blob trigger's container, and an input's container when the spec names none. */
  readonly inputContainer: string;
  readonly outputContainer: string;
  readonly partitionBytes: number;
  readonly maxConcurrency: number;
  readonly containers: DataContainers;
}

/**
 * Turns a job spec (from POST /api/jobs or a blob drop) into the one the job runs with: every default
 * applied here and nowhere else, the containers checked against the ones jobs may read and write, the
 * model reference parsed. Bad values are ValidationErrors naming the field.
 */
export function resolveJobSpec(
  spec: JobSpec,
  defaults: JobDefaults,
  context: { readonly jobId: string; readonly inputEtag?: string },
): ResolvedJobSpec {
  const inputContainer = spec.input.container ?? defaults.inputContainer;
  // The trigger's own container is always readable: its drops are what jobs are for.
  if (inputContainer !== defaults.inputContainer)
    defaults.containers.checkRead(inputContainer, 'input.container');
  const images = spec.input.prefix !== undefined || spec.input.format === 'images';
  if (images) checkImageSpec(spec);
  else checkTableSpec(spec);
  const format: JobInputFormat = images
    ? 'images'
    : (spec.input.format ?? requireFormatOfName(spec.input.blob ?? '', 'input.format'));
  const output = spec.output ?? {};
  return {
    input: {
      container: inputContainer,
      blob: spec.input.blob ?? spec.input.prefix ?? '',
      format,
      delimiter: spec.input.delimiter ?? ',',
      ...(context.inputEtag === undefined ? {} : { etag: context.inputEtag }),
      ...(images && spec.input.blob !== undefined ? { singleImage: true } : {}),
    },
    model: images
      ? { kind: 'image', ref: parseModelRef(spec.model as string, 'model') }
      : modelSpecOf(spec.model),
    output: {
      container: defaults.containers.checkWrite(
        output.container ?? defaults.outputContainer,
        'output.container',
      ),
      prefix: output.prefix ?? context.jobId,
      format: output.format ?? (format === 'images' ? 'csv' : format),
      passThrough: output.passThrough ?? [],
      summaryOnly: output.summaryOnly ?? false,
      ...(images ? { topK: output.topK ?? 5 } : {}),
    },
    partitionBytes: spec.partitionBytes ?? defaults.partitionBytes,
    ...(images ? { imagesPerPartition: spec.imagesPerPartition ?? 32 } : {}),
    maxConcurrency: spec.maxConcurrency ?? defaults.maxConcurrency,
    errorThreshold: {
      maxBadRows: spec.errorThreshold?.maxBadRows ?? -1,
      maxFailedPartitions: spec.errorThreshold?.maxFailedPartitions ?? 0,
    },
    retry: {
      maxAttempts: spec.retry?.maxAttempts ?? 3,
      firstRetryIntervalMs: spec.retry?.firstRetryIntervalMs ?? 1000,
    },
  };
}

/**
 * An image job reads a folder (input.prefix) or one image (input.blob with format "images") with one
 * model and writes classification rows.
 */
function checkImageSpec(spec: JobSpec): void {
  const refuse = (field: string, message: string) => {
    throw new ValidationError(`Job spec field "${field}": ${message}`, { field });
  };
  if (typeof spec.model !== 'string')
    refuse('model', 'an image job takes one model reference (name, name@<version|stage>), not keyed models');
  if (spec.output?.format === 'parquet')
    refuse('output.format', 'image jobs write their classification rows as csv or jsonl');
  if ((spec.output?.passThrough ?? []).length > 0)
    refuse('output.passThrough', 'image jobs have no input columns to copy (each row names its image)');
  if (spec.partitionBytes !== undefined)
    refuse('partitionBytes', 'image jobs are split by images: use imagesPerPartition');
}

/** The image fields of a spec mean nothing to a job that reads one file. */
function checkTableSpec(spec: JobSpec): void {
  for (const [field, value] of [
    ['output.topK', spec.output?.topK],
    ['imagesPerPartition', spec.imagesPerPartition],
  ] as const)
    if (value !== undefined)
      throw new ValidationError(`Job spec field "${field}": applies to image jobs (input.prefix) only`, {
        field,
      });
}

function modelSpecOf(model: JobSpec['model']): ModelSpec {
  if (typeof model === 'string') return { kind: 'single', ref: parseModelRef(model, 'model') };
  return {
    kind: 'keyed',
    name: model.name,
    partitionBy: model.partitionBy,
    ...(model.stage === undefined ? {} : { stage: model.stage }),
    fallback:
      model.fallback === 'error'
        ? 'error'
        : { model: parseModelRef(model.fallback.model, 'model.fallback.model') },
  };
}

/** The model as the job record and messages show it: `diabetes@production`, or `oj-sales by Store, Brand`. */
export function modelLabelOf(model: ModelSpec): string {
  return model.kind !== 'keyed'
    ? formatModelRef(model.ref)
    : `${model.name} by ${model.partitionBy.join(', ')}`;
}

/** A keyed ("many models") model spec. */
export type KeyedModelSpec = Extract<ModelSpec, { kind: 'keyed' }>;
