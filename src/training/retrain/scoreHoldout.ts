import { ValidationError } from '../../errors';
import type { PredictionColumn } from '../../runtime/formats/ScoringBatch';
import { labelOf, type LoadedModel } from '../../runtime/models/LoadedModel';
import type { ModelRunner } from '../../runtime/inference/ModelRunner';
import { evaluateClassification, evaluateRegression } from '../metrics';
import { labelsOf, type ClassLabel } from '../trainLogistic';
import { numericColumn, type TrainingTable } from '../TrainingTable';

export interface HoldoutTask {
  readonly task: 'regression' | 'classification';
  readonly target: string;
  /** Classification: the model's classes, index k = its probability column k. */
  readonly classes?: readonly ClassLabel[];
}

/**
 * Scores the holdout rows with a model through onnxruntime (the same runner batch scoring uses, so a
 * model is judged by what it really predicts) and returns its metrics: RMSE, MAE and R² for regression;
 * accuracy, log-loss and AUC from the class probabilities for classification; with the outputs themselves
 * (a prediction baseline is taken from them).
 */
export async function scoreHoldout(
  runner: ModelRunner,
  model: LoadedModel,
  holdout: TrainingTable,
  task: HoldoutTask,
  options: { label?: string } = {},
): Promise<{ metrics: Record<string, number>; outputs: PredictionColumn[] }> {
  const mapping = await runner.mapInputs(model, holdout.columns, numericColumns(holdout));
  const width = mapping.featureColumns.length;
  const features = new Float32Array(holdout.rows * width);
  mapping.featureColumns.forEach((name, j) => {
    numericColumn(holdout, name).forEach((value, r) => (features[r * width + j] = value));
  });
  const outputs = await runner.scoreBatch(model, mapping, features, holdout.rows);
  const label = options.label ?? labelOf(model);
  if (task.task === 'regression') {
    const output = outputs.find((column) => column.width === 1);
    if (output === undefined)
      throw new ValidationError(
        `Model ${label} has no output with one value per row to compare with ${task.target}.`,
      );
    const predictions = Float64Array.from(output.values as ArrayLike<number>, Number);
    return { metrics: { ...evaluateRegression(numericColumn(holdout, task.target), predictions) }, outputs };
  }
  const classes = task.classes ?? [];
  const output =
    outputs.find((column) => column.name === 'probabilities' && column.width === classes.length) ??
    outputs.find((column) => column.width === classes.length && !(column.values instanceof BigInt64Array));
  if (output === undefined)
    throw new ValidationError(
      `Model ${label} has no output of ${classes.length} class probabilities (outputs: ${outputs.map((o) => o.name).join(', ')}).`,
    );
  const index = new Map(classes.map((value, k) => [String(value), k]));
  const actual = labelsOf(holdout, task.target).map((value, r) => {
    const k = index.get(String(value));
    if (k === undefined)
      throw new ValidationError(
        `Holdout row ${r + 1}: class "${value}" is not one of model ${label}'s classes (${classes.join(', ')}).`,
      );
    return k;
  });
  const probabilities = Float64Array.from(output.values as ArrayLike<number>, Number);
  return { metrics: { ...evaluateClassification(actual, probabilities, classes.length) }, outputs };
}

function numericColumns(table: TrainingTable): string[] {
  return table.columns.filter((_, c) => table.values[c] instanceof Float64Array);
}
