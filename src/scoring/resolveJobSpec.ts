import { requireFormatOfName, type InputFormat } from '../runtime/formats/InputFormat';
import { formatModelRef, parseModelRef, type ModelRef } from '../runtime/models/ModelRef';
import type { DataContainers } from '../storage/DataContainers';
import type { JobSpec } from './JobSpec';

/** One model for every row, or a version per key (`partitionBy`), with a fallback for keys without one. */
export type ModelSpec =
  | { readonly kind: 'single'; readonly ref: ModelRef }
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
    readonly blob: string;
    readonly format: InputFormat;
    readonly delimiter: string;
    /** Blob drops: the version that fired, so the job scores exactly those bytes. */
    readonly etag?: string;
  };
  readonly model: ModelSpec;
  readonly output: {
    readonly container: string;
    readonly prefix: string;
    readonly format: InputFormat;
    readonly passThrough: readonly string[];
    readonly summaryOnly: boolean;
  };
  readonly partitionBytes: number;
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
  const format = spec.input.format ?? requireFormatOfName(spec.input.blob, 'input.format');
  const output = spec.output ?? {};
  return {
    input: {
      container: inputContainer,
      blob: spec.input.blob,
      format,
      delimiter: spec.input.delimiter ?? ',',
      ...(context.inputEtag === undefined ? {} : { etag: context.inputEtag }),
    },
    model: modelSpecOf(spec.model),
    output: {
      container: defaults.containers.checkWrite(
        output.container ?? defaults.outputContainer,
        'output.container',
      ),
      prefix: output.prefix ?? context.jobId,
      format: output.format ?? format,
      passThrough: output.passThrough ?? [],
      summaryOnly: output.summaryOnly ?? false,
    },
    partitionBytes: spec.partitionBytes ?? defaults.partitionBytes,
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
  return model.kind === 'single'
    ? formatModelRef(model.ref)
    : `${model.name} by ${model.partitionBy.join(', ')}`;
}

/** A keyed ("many models") model spec. */
export type KeyedModelSpec = Extract<ModelSpec, { kind: 'keyed' }>;
