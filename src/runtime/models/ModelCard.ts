import { z } from 'zod';
import { ValidationError } from '../../errors';
import { describeValue } from '../formats/describeValue';
import { imageInputSchema } from '../images/ImageInput';

/** Model names are one path segment: they name folders and blob prefixes. */
export const modelNamePattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** A ValidationError on `field` unless `name` is a model name; the name is quoted short. */
export function checkModelName(name: string, field = 'name'): void {
  if (!modelNamePattern.test(name))
    throw new ValidationError(
      `Model name ${describeValue(name)}: use letters, digits, ".", "_" or "-", starting with a letter or digit (at most 128 characters).`,
      { field },
    );
}

const columnList = z.array(z.string().min(1)).min(1);
const sha256Schema = z.string().regex(/^[0-9a-f]{64}$/, 'lower-case hex SHA-256');

const valueSignatureSchema = z.object({
  name: z.string(),
  isTensor: z.boolean(),
  elementType: z.string().optional(),
  shape: z.array(z.union([z.number(), z.string()])),
});

/**
 * The model card (`model.json` next to `model.onnx`). Loose: a registry (later) adds fields such as the
 * parent version or promotion history, and cards written by a newer version must still load here.
 */
export const modelCardSchema = z
  .looseObject({
    name: z
      .string()
      .regex(modelNamePattern, 'letters, digits, ".", "_" or "-", starting with a letter or digit'),
    version: z.int().positive(),
    description: z.string().optional(),
    /** Ordered input columns of a model with one [N,F] input. */
    features: columnList.optional(),
    /** Columns of each named input, for models with several inputs. */
    inputs: z
      .array(z.looseObject({ name: z.string().min(1), columns: columnList }))
      .min(1)
      .optional(),
    /** Outputs to fetch; default: every tensor output. */
    outputs: z.array(z.string().min(1)).min(1).optional(),
    tags: z.record(z.string(), z.string()).default({}),
    metrics: z.record(z.string(), z.number()).default({}),
    /** Where the training data came from, and its SHA-256 so a version can be traced to its exact data. */
    training: z
      .looseObject({
        data: z.string().min(1),
        rows: z.int().nonnegative().optional(),
        sha256: sha256Schema.optional(),
      })
      .optional(),
    task: z.enum(['regression', 'classification']).optional(),
    /**
     * PSI from which a scoring job's (or stream window's) drift warns and breaches, per feature against
     * `training.baseline` and per output against `training.predictionBaseline` (defaults 0.1 and 0.25:
     * see driftThresholdOf); `retrainOnBreach` starts a `retrain` run of the model on a breach.
     */
    drift: z
      .object({
        psiWarning: z.number().positive().optional(),
        psiBreach: z.number().positive().optional(),
        retrainOnBreach: z.boolean().optional(),
      })
      .optional(),
    /** An image model: how images are fed to its input (size, layout, normalisation). */
    image: imageInputSchema.optional(),
    /** Class labels in the order of the model's class scores (image classification's label file). */
    labels: z.array(z.string().max(500)).min(1).max(100_000).optional(),
    /**
     * Where the model's jobs run: `function` (the default: in the app's own worker threads) or
     * `container` (handed to container jobs). Read through `computeOf`.
     */
    compute: z.enum(['function', 'container']).optional(),
    /** What the model needs: `cpu` (the default) or `gpu`. Read through `computeOf`. */
    accelerator: z.enum(['cpu', 'gpu']).optional(),
    stage: z.string().min(1).optional(),
    /** The registry version this one was derived from (e.g. the production model it was retrained from). */
    parentVersion: z.int().positive().optional(),
    /** Who or what made the model (a trainer, a pipeline run, a person). */
    producer: z.string().min(1).max(200).optional(),
    /** Inputs and outputs as onnxruntime reads them from model.onnx; written by the registry. */
    signature: z
      .object({ inputs: z.array(valueSignatureSchema), outputs: z.array(valueSignatureSchema) })
      .optional(),
    /** Hex SHA-256 of model.onnx; checked when the model is loaded. */
    sha256: sha256Schema.optional(),
    createdAt: z.iso.datetime({ offset: true }).optional(),
  })
  .refine((card) => card.features === undefined || card.inputs === undefined, {
    message: 'give either "features" (one input) or "inputs" (named inputs), not both',
    path: ['inputs'],
  });

export type ModelCard = z.infer<typeof modelCardSchema>;

/** Where a model's work runs and on what, with the defaults a card that says nothing gets. */
export function computeOf(card: Pick<ModelCard, 'compute' | 'accelerator'> | undefined): {
  readonly compute: 'function' | 'container';
  readonly accelerator: 'cpu' | 'gpu';
} {
  return { compute: card?.compute ?? 'function', accelerator: card?.accelerator ?? 'cpu' };
}

/** Parses a model card, or throws a ValidationError naming the file and the first bad field. */
export function parseModelCard(value: unknown, file: string): ModelCard {
  const result = modelCardSchema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.map(String).join('.') || undefined;
  const where = field === undefined ? '' : ` field "${field}"`;
  throw new ValidationError(`Model card ${file}:${where}: ${issue?.message ?? 'invalid'}`, { file, field });
}
