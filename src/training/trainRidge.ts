import { ValidationError } from '../errors';
import { predictLinear, solveRidge, type DesignMatrix, type LinearModel, type RidgeSystem } from './fitRidge';
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
    const system = systemWithout(sums, fold);
    alphas.forEach((alpha, a) => predictFold(solveRidge(system, alpha), x, folds, fold, outOfFold[a]!));
  }
  const crossValidation = alphas.map((alpha, a): AlphaScore => {
    const predictions = outOfFold[a] as Float64Array;
    return { alpha, rmse: rootMeanSquaredError(y, predictions), r2: r2Score(y, predictions) };
  });
  const best = crossValidation.reduce((chosen, score) => (score.rmse < chosen.rmse ? score : chosen));
  const model = solveRidge(systemWithout(sums, -1), best.alpha);
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

/**
 * Sums over each fold's rows (row r is in fold r mod folds) of the features and target shifted by the
 * first row's values: counts, Σx, Σy, Σxy and the upper triangle of Σxxᵀ. Any set of folds' ridge system
 * follows from them (systemWithout) with one pass over the data instead of one per fold. The shift keeps
 * the sums' cancellation small, and a column constant over the rows sums to exactly zero.
 */
interface FoldSums {
  readonly folds: number;
  readonly columns: number;
  readonly shift: Float64Array;
  readonly yShift: number;
  readonly count: Float64Array;
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly xy: Float64Array;
  readonly xx: Float64Array;
}

function foldSums(matrix: DesignMatrix, target: Float64Array, folds: number): FoldSums {
  const p = matrix.columns;
  const values = matrix.values;
  const shift = values.slice(0, p);
  const yShift = target[0] ?? 0;
  const sums: FoldSums = {
    folds,
    columns: p,
    shift,
    yShift,
    count: new Float64Array(folds),
    x: new Float64Array(folds * p),
    y: new Float64Array(folds),
    xy: new Float64Array(folds * p),
    xx: new Float64Array(folds * p * p),
  };
  const row = new Float64Array(p);
  for (let r = 0, fold = 0; r < matrix.rows; r++, fold = fold + 1 === folds ? 0 : fold + 1) {
    const base = r * p;
    for (let j = 0; j < p; j++) row[j] = values[base + j]! - shift[j]!;
    const y = target[r]! - yShift;
    sums.count[fold]! += 1;
    sums.y[fold]! += y;
    const xBase = fold * p;
    const xxBase = fold * p * p;
    for (let j = 0; j < p; j++) {
      const xj = row[j]!;
      sums.x[xBase + j]! += xj;
      sums.xy[xBase + j]! += xj * y;
      for (let k = j; k < p; k++) sums.xx[xxBase + j * p + k]! += xj * row[k]!;
    }
  }
  return sums;
}

/**
 * The ridge system (as ridgeSystem builds it) of every row outside fold `left` (-1: of every row):
 * standardised with those rows' means and population standard deviations (1 for a constant column).
 */
function systemWithout(sums: FoldSums, left: number): RidgeSystem {
  const p = sums.columns;
  let n = 0;
  let sy = 0;
  const sx = new Float64Array(p);
  const sxy = new Float64Array(p);
  const sxx = new Float64Array(p * p);
  for (let fold = 0; fold < sums.folds; fold++) {
    if (fold === left) continue;
    n += sums.count[fold]!;
    sy += sums.y[fold]!;
    for (let j = 0; j < p; j++) {
      sx[j]! += sums.x[fold * p + j]!;
      sxy[j]! += sums.xy[fold * p + j]!;
    }
    for (let i = 0; i < p * p; i++) sxx[i]! += sums.xx[fold * p * p + i]!;
  }
  const means = new Float64Array(p);
  const scales = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    means[j] = sums.shift[j]! + sx[j]! / n;
    const variance = (sxx[j * p + j]! - (sx[j]! * sx[j]!) / n) / n;
    scales[j] = variance > 0 ? Math.sqrt(variance) : 1;
  }
  const gram = new Float64Array(p * p);
  const rhs = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    rhs[j] = (sxy[j]! - (sx[j]! * sy) / n) / scales[j]!;
    for (let k = j; k < p; k++) {
      const centred = (sxx[j * p + k]! - (sx[j]! * sx[k]!) / n) / (scales[j]! * scales[k]!);
      gram[j * p + k] = centred;
      gram[k * p + j] = centred;
    }
  }
  return { columns: p, means, scales, yMean: sums.yShift + sy / n, gram, rhs };
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
