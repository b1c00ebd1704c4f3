import { ValidationError } from '../errors';
import { fitLogistic, predictLogistic, type LogisticCoefficients } from './fitLogistic';
import { evaluateClassification, type ClassificationMetrics } from './metrics';
import { columnOf, designMatrix, type TrainingTable } from './TrainingTable';

export type ClassLabel = string | number;

/** A fitted classifier: class index k (a `label` output, a probability column) stands for classes[k]. */
export interface LogisticModel extends LogisticCoefficients {
  readonly classes: readonly ClassLabel[];
}

export interface LogisticOptions {
  readonly features: readonly string[];
  /** The class column: numbers or text; labels are compared as text ("1" and 1 are one class). */
  readonly target: string;
  /** L2 penalty on the standardised weights; default 1 (scikit-learn's C = 1). */
  readonly l2?: number;
  /** Class order; default: numbers ascending, or text in code-unit order. Other labels are refused. */
  readonly classes?: readonly ClassLabel[];
  readonly maxIterations?: number;
}

export interface LogisticTrainingResult {
  readonly model: LogisticModel;
  readonly features: readonly string[];
  readonly target: string;
  readonly rows: number;
  readonly l2: number;
  readonly iterations: number;
  /** False when Newton's method stopped at maxIterations before the gradient vanished. */
  readonly converged: boolean;
  /** Of the model on its own training data. */
  readonly trainingMetrics: ClassificationMetrics;
}

/** Fits L2-regularised logistic regression (binary or multinomial) on the table's feature columns. */
export function trainLogistic(table: TrainingTable, options: LogisticOptions): LogisticTrainingResult {
  const l2 = options.l2 ?? 1;
  if (!(l2 >= 0 && Number.isFinite(l2))) {
    throw new ValidationError(`l2 must be a number ≥ 0 (got ${l2})`, { field: 'l2' });
  }
  const x = designMatrix(table, options.features);
  const labels = labelsOf(table, options.target);
  const classes = options.classes ?? defaultClassOrder(labels);
  const index = new Map(classes.map((label, k) => [String(label), k]));
  if (index.size !== classes.length) {
    throw new ValidationError(`classes has duplicates: ${classes.join(', ')}`, { field: 'classes' });
  }
  if (classes.length < 2) {
    throw new ValidationError(
      `Column ${options.target} needs at least two classes to train a classifier (found: ${classes.join(', ')})`,
      { field: options.target },
    );
  }
  const y = Int32Array.from(labels, (label, r) => {
    const k = index.get(String(label));
    if (k === undefined) {
      throw new ValidationError(
        `Training data row ${r + 1} column ${options.target}: class "${label}" is not one of ${classes.join(', ')}`,
        { row: r + 1, field: options.target },
      );
    }
    return k;
  });
  const fit = fitLogistic(x, y, classes.length, { l2, maxIterations: options.maxIterations });
  const model: LogisticModel = { classes: [...classes], weights: fit.weights, intercepts: fit.intercepts };
  return {
    model,
    features: [...options.features],
    target: options.target,
    rows: table.rows,
    l2,
    iterations: fit.iterations,
    converged: fit.converged,
    trainingMetrics: evaluateClassification(y, predictLogistic(model, x).probabilities, classes.length),
  };
}

/** Each row's class label, or a ValidationError naming the first row without one. */
export function labelsOf(table: TrainingTable, target: string): ClassLabel[] {
  const column = columnOf(table, target);
  return Array.from({ length: table.rows }, (_, r) => {
    const cell = column[r];
    const missing = cell === null || cell === undefined || Number.isNaN(cell) || String(cell).trim() === '';
    if (missing) {
      throw new ValidationError(`Training data row ${r + 1} column ${target}: the class is missing`, {
        row: r + 1,
        field: target,
      });
    }
    return typeof cell === 'string' ? cell.trim() : cell;
  });
}

function defaultClassOrder(labels: readonly ClassLabel[]): ClassLabel[] {
  const distinct = new Map<string, ClassLabel>();
  for (const label of labels) if (!distinct.has(String(label))) distinct.set(String(label), label);
  const values = [...distinct.values()];
  if (values.every((value) => typeof value === 'number')) return values.sort((a, b) => a - b);
  return values.sort((a, b) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));
}
