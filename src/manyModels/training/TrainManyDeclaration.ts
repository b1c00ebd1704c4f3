import { z } from 'zod';
import { ValidationError } from '../../errors';
import { loadJsonDeclarations } from '../../runtime/declarations/loadJsonDeclarations';
import {
  parseOrThrow,
  trainManyFields,
  trainManyRequestOf,
  type TrainManyRequest,
} from './parseTrainManyRequest';

/** Daily at 03:00 UTC (six-field NCRONTAB), an hour after the retraining timer's default. */
export const defaultTrainManySchedule = '0 0 3 * * *';

// A declaration trains every key of its data set: `keys` (a request's retry of some keys) is not one of its fields.
const declaredFields: Omit<typeof trainManyFields, 'keys'> = { ...trainManyFields };
delete (declaredFields as Partial<typeof trainManyFields>).keys;

/**
 * A data set trained on a schedule (`manyModels/*.json`): the train request's fields (the model, the
 * partitions `durable-scoring partition` uploaded, the training options, the fan-out) with `policy`,
 * the per-key promotion gate, and `schedule`, a six-field NCRONTAB expression or `%SETTING%`.
 */
const declarationSchema = z.strictObject({
  ...declaredFields,
  schedule: z
    .string()
    .regex(
      /^(%[A-Za-z_][A-Za-z0-9_]*%|\S+( \S+){5})$/,
      'a six-field NCRONTAB expression ("0 0 3 * * *") or %SETTING%',
    )
    .default(defaultTrainManySchedule),
});

export interface TrainManyDeclaration {
  /** `<folder>/<file>.json`, for messages. */
  readonly file: string;
  /** The timer function's name: `trainManyOnSchedule-<model>` ("." becomes "_"). */
  readonly functionName: string;
  readonly schedule: string;
  /** What each occurrence starts (the same as a `POST /api/many-models/train` body would). */
  readonly request: TrainManyRequest;
}

/** Parses one declaration; a bad one is a ValidationError naming the file and the field. */
export function parseTrainManyDeclaration(json: unknown, file: string): TrainManyDeclaration {
  const { schedule, ...body } = parseOrThrow(declarationSchema, json, `Many-models declaration ${file}`);
  const request = trainManyRequestOf(body);
  return {
    file,
    functionName: `trainManyOnSchedule-${request.model.replace(/\./g, '_')}`,
    schedule,
    request,
  };
}

/**
 * Reads every `*.json` in the declarations folder (none when it does not exist), in name order. A file
 * that is not JSON, a bad declaration, or a model declared twice is an error naming the file.
 */
export function loadTrainManyDeclarations(directory: string): TrainManyDeclaration[] {
  return loadJsonDeclarations(directory, {
    what: 'Many-models declaration',
    parse: parseTrainManyDeclaration,
    keyOf: (declaration) => declaration.functionName,
    duplicate: (declaration, shown, other) =>
      new ValidationError(
        `Many-models declaration ${shown}: model "${declaration.request.model}" is already declared by ${other}.`,
        { field: 'model' },
      ),
  });
}
