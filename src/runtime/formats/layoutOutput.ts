import { ValidationError } from '../../errors';
import type { PredictionColumn, ScoringBatch } from './ScoringBatch';
import { formatFloat32 } from './formatFloat32';

/** One output column taken from a model output: component `component` of each row's `width` values. */
export interface PredictionField {
  readonly name: string;
  readonly values: PredictionColumn['values'];
  readonly width: number;
  readonly component: number;
  /** Float32 values are printed as the shortest decimal that reads back as the same float32. */
  readonly float32: boolean;
}

/** The columns of a scored partition: pass-through columns first, then the prediction columns. */
export interface OutputLayout {
  readonly names: readonly string[];
  readonly passThroughNames: readonly string[];
  readonly predictions: readonly PredictionField[];
}

/**
 * Names the output columns: a model output of width 1 keeps its name, a wider one becomes
 * name_0..name_{w-1}. Checks that every output holds rowCount × width values and that no two
 * columns share a name.
 */
export function layoutOutput(
  batch: ScoringBatch,
  predictions: readonly PredictionColumn[],
  passThroughNames: readonly string[],
): OutputLayout {
  if (passThroughNames.length !== batch.passThrough.length) {
    throw new RangeError(
      `${passThroughNames.length} pass-through column names for ${batch.passThrough.length} pass-through columns`,
    );
  }
  const fields: PredictionField[] = [];
  for (const { name, width, values } of predictions) {
    if (!(width >= 1) || values.length !== batch.rowCount * width) {
      throw new RangeError(
        `output "${name}" holds ${values.length} values for ${batch.rowCount} rows of width ${width}`,
      );
    }
    // Not instanceof: outputs may come from a worker thread's realm.
    const float32 = values[Symbol.toStringTag] === 'Float32Array';
    for (let component = 0; component < width; component++) {
      fields.push({ name: width === 1 ? name : `${name}_${component}`, values, width, component, float32 });
    }
  }
  const names = [...passThroughNames, ...fields.map((field) => field.name)];
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate !== undefined) {
    throw new ValidationError(`the output would have two columns named "${duplicate}"`, { field: duplicate });
  }
  return { names, passThroughNames, predictions: fields };
}

/** The value of `field` for good row `row`, as text; undefined when it is not finite. */
export function predictionText(field: PredictionField, row: number): string | undefined {
  const value = field.values[row * field.width + field.component]!;
  if (typeof value === 'bigint') return String(value);
  if (!Number.isFinite(value)) return undefined;
  return field.float32 ? formatFloat32(value) : String(value);
}
