import { ValidationError } from '../errors';
import {
  fitRidge,
  predictLinear,
  ridgeSystem,
  solveRidge,
  type DesignMatrix,
  type LinearModel,
} from './fitRidge';
import { evaluateRegression, r2Score, rootMeanSquaredError, type RegressionMetrics } from './metrics';
import { designMatrix, numericColumn, type TrainingTable } from './TrainingTable';

/** Thirteen penalties log-spaced by half decades from 1e-3 to 1e3. */
export const defaultRidgeAlphas: readonly number[] = Array.from({ length: 13 }, (_, i) => 10 ** (-3 + i / 2));

export interface RidgeOptions {
  readonly features: readonly string[];
  readonly target: string;
  /** Candidate penalties on the standardised weights; default `defaultRidgeAlphas`. */
  readonly alphas?: readonly number[];
  /** Cross-validation folds (row r is in fold r mod folds); default 5. */
  readonly folds?: number;
}

/** One candidate alpha's cross-validation score, on the pooled out-of-fold predictions. */
export interface AlphaScore {
  readonly alpha: number;
  readonly rmse: number;
  readonly r2: number;
}

export interface RidgeTrainingResult {
  /** Fitted on every row with the chosen alpha; applies to raw features. */
  readonly model: LinearModel;
  readonly alpha: number;
  /** Every candidate's score, in the order the alphas were given. */
  readonly crossValidation: readonly AlphaScore[];
  readonly features: readonly string[];
  readonly target: string;
  readonly rows: number;
  /** Of the final model on its own training data. */
  readonly trainingMetrics: RegressionMetrics;
}

/**
 * Ridge regression on standardised features with alpha chosen by k-fold cross-validation: the alpha
 * with the lowest out-of-fold RMSE (the first of equals, in the order given), refitted on all rows.
 * Folds interleave rows (r mod k), so data sorted by a column still gives every fold its whole range.
 */
export function trainRidge(table: TrainingTable, options: RidgeOptions): RidgeTrainingResult {
  const alphas = options.alphas ?? defaultRidgeAlphas;
  const folds = options.folds ?? 5;
  if (alphas.length === 0 || alphas.some((alpha) => !(alpha > 0 && Number.isFinite(alpha)))) {
    throw new ValidationError(`alphas must be positive numbers (got [${alphas.join(', ')}])`, {
      field: 'alphas',
    });
  }
  if (!Number.isInteger(folds) || folds < 2 || folds > table.rows) {
    throw new ValidationError(`folds must be an integer from 2 to the ${table.rows} rows (got ${folds})`, {
      field: 'folds',
    });
  }
  const x = designMatrix(table, options.features);
  const y = numericColumn(table, options.target);
  const outOfFold = alphas.map(() => new Float64Array(table.rows));
  for (let fold = 0; fold < folds; fold++) {
    const { trainRows, testRows } = foldRows(table.rows, folds, fold);
    const trainX = takeRows(x, trainRows);
    const trainY = Float64Array.from(trainRows, (r) => y[r] ?? 0);
    const testX = takeRows(x, testRows);
    // The fold's normal equations are the same for every alpha but for the diagonal: built once.
    const system = ridgeSystem(trainX, trainY);
    alphas.forEach((alpha, a) => {
      const predictions = predictLinear(solveRidge(system, alpha), testX);
      testRows.forEach((r, i) => ((outOfFold[a] as Float64Array)[r] = predictions[i] ?? NaN));
    });
  }
  const crossValidation = alphas.map((alpha, a): AlphaScore => {
    const predictions = outOfFold[a] as Float64Array;
    return { alpha, rmse: rootMeanSquaredError(y, predictions), r2: r2Score(y, predictions) };
  });
  const best = crossValidation.reduce((chosen, score) => (score.rmse < chosen.rmse ? score : chosen));
  const model = fitRidge(x, y, best.alpha);
  return {
    model,
    alpha: best.alpha,
    crossValidation,
    features: [...options.features],
    target: options.target,
    rows: table.rows,
    trainingMetrics: evaluateRegression(y, predictLinear(model, x)),
  };
}

/** Fold `fold` of `folds` interleaved folds: row r is a test row of fold r mod folds. */
function foldRows(rows: number, folds: number, fold: number): { trainRows: number[]; testRows: number[] } {
  const trainRows: number[] = [];
  const testRows: number[] = [];
  for (let r = 0; r < rows; r++) (r % folds === fold ? testRows : trainRows).push(r);
  return { trainRows, testRows };
}

function takeRows(x: DesignMatrix, rows: readonly number[]): DesignMatrix {
  const values = new Float64Array(rows.length * x.columns);
  rows.forEach((r, i) => values.set(x.values.subarray(r * x.columns, (r + 1) * x.columns), i * x.columns));
  return { rows: rows.length, columns: x.columns, values };
}
