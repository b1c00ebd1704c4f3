import { ValidationError } from '../errors';
import {
  foldSums,
  predictLinear,
  ridgeSystemWithout,
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
  return trainRidgeOn(designMatrix(table, options.features), numericColumn(table, options.target), options);
}

/** trainRidge on features already laid out as a design matrix (columns in the order of `options.features`). */
export function trainRidgeOn(x: DesignMatrix, y: Float64Array, options: RidgeOptions): RidgeTrainingResult {
  const alphas = options.alphas ?? defaultRidgeAlphas;
  const folds = options.folds ?? 5;
  if (alphas.length === 0 || alphas.some((alpha) => !(alpha > 0 && Number.isFinite(alpha)))) {
    throw new ValidationError(`alphas must be positive numbers (got [${alphas.join(', ')}])`, {
      field: 'alphas',
    });
  }
  if (!Number.isInteger(folds) || folds < 2 || folds > x.rows) {
    throw new ValidationError(`folds must be an integer from 2 to the ${x.rows} rows (got ${folds})`, {
      field: 'folds',
    });
  }
  const outOfFold = alphas.map(() => new Float64Array(x.rows));
  const sums = foldSums(x, y, folds);
  for (let fold = 0; fold < folds; fold++) {
    // The fold's normal equations are the same for every alpha but for the diagonal: built once.
    const system = ridgeSystemWithout(sums, fold);
    alphas.forEach((alpha, a) => predictFold(solveRidge(system, alpha), x, folds, fold, outOfFold[a]!));
  }
  const crossValidation = alphas.map((alpha, a): AlphaScore => {
    const predictions = outOfFold[a] as Float64Array;
    return { alpha, rmse: rootMeanSquaredError(y, predictions), r2: r2Score(y, predictions) };
  });
  const best = crossValidation.reduce((chosen, score) => (score.rmse < chosen.rmse ? score : chosen));
  const model = solveRidge(ridgeSystemWithout(sums, -1), best.alpha);
  return {
    model,
    alpha: best.alpha,
    crossValidation,
    features: [...options.features],
    target: options.target,
    rows: x.rows,
    trainingMetrics: evaluateRegression(y, predictLinear(model, x)),
  };
}

/** Predictions of the model for the rows of fold `fold`, written at those rows of `out`. */
function predictFold(model: LinearModel, x: DesignMatrix, folds: number, fold: number, out: Float64Array) {
  const p = x.columns;
  for (let r = fold; r < x.rows; r += folds) {
    let sum = model.intercept;
    for (let j = 0; j < p; j++) sum += model.weights[j]! * x.values[r * p + j]!;
    out[r] = sum;
  }
}
