import { columnMoments } from './columnMoments';
import { solveSymmetricPositiveDefinite } from './solveSymmetricPositiveDefinite';

/** A linear model on raw features: prediction = intercept + Σ weights[j] · x[j]. */
export interface LinearModel {
  readonly weights: Float64Array;
  readonly intercept: number;
}

/** Features as rows × columns, row-major, in float64. */
export interface DesignMatrix {
  readonly rows: number;
  readonly columns: number;
  readonly values: Float64Array;
}

/**
 * Closed-form ridge regression on standardised features (mean 0, population standard deviation 1, as
 * scikit-learn's StandardScaler), with an unpenalised intercept. The standardisation is folded back into
 * the weights, so the model applies to raw features.
 */
export function fitRidge(x: DesignMatrix, y: Float64Array, alpha: number): LinearModel {
  return solveRidge(ridgeSystem(x, y), alpha);
}

/** The normal equations of ridge regression without the penalty: built once, solved for any alpha. */
export interface RidgeSystem {
  readonly columns: number;
  readonly means: Float64Array;
  readonly scales: Float64Array;
  readonly yMean: number;
  /** ZᵀZ of the standardised features Z, columns × columns. */
  readonly gram: Float64Array;
  /** Zᵀ(y − ȳ). */
  readonly rhs: Float64Array;
}

/** Standardises the features and accumulates ZᵀZ and Zᵀ(y − ȳ) in one pass over the rows. */
export function ridgeSystem(x: DesignMatrix, y: Float64Array): RidgeSystem {
  if (y.length !== x.rows) throw new RangeError(`fitRidge: ${x.rows} rows but ${y.length} targets`);
  const { means, scales } = columnMoments(x);
  const yMean = y.reduce((sum, value) => sum + value, 0) / y.length;
  const p = x.columns;
  const gram = new Float64Array(p * p);
  const rhs = new Float64Array(p);
  const z = new Float64Array(p);
  for (let r = 0; r < x.rows; r++) {
    for (let j = 0; j < p; j++) z[j] = ((x.values[r * p + j] ?? 0) - (means[j] ?? 0)) / (scales[j] ?? 1);
    const centred = (y[r] ?? 0) - yMean;
    for (let j = 0; j < p; j++) {
      const zj = z[j]!;
      rhs[j]! += zj * centred;
      // ZᵀZ is symmetric: the upper triangle is summed here and mirrored below.
      for (let k = j; k < p; k++) gram[j * p + k]! += zj * z[k]!;
    }
  }
  for (let j = 0; j < p; j++) for (let k = 0; k < j; k++) gram[j * p + k] = gram[k * p + j]!;
  return { columns: p, means, scales, yMean, gram, rhs };
}

/** Solves (ZᵀZ + αI) w = Zᵀ(y − ȳ) and folds the standardisation back into raw-feature weights. */
export function solveRidge(system: RidgeSystem, alpha: number): LinearModel {
  const { columns: p, means, scales, yMean, rhs } = system;
  const gram = Float64Array.from(system.gram);
  for (let j = 0; j < p; j++) gram[j * p + j] = (gram[j * p + j] ?? 0) + alpha;
  const standardised = solveSymmetricPositiveDefinite(gram, rhs, p);
  if (standardised === undefined) {
    throw new RangeError('fitRidge: the normal equations are not positive definite');
  }
  const weights = standardised.map((w, j) => w / (scales[j] ?? 1));
  const intercept = weights.reduce((b, w, j) => b - w * (means[j] ?? 0), yMean);
  return { weights, intercept };
}

/** Predictions of a linear model for every row, in float64. */
export function predictLinear(model: LinearModel, x: DesignMatrix): Float64Array {
  const out = new Float64Array(x.rows);
  for (let r = 0; r < x.rows; r++) {
    let sum = model.intercept;
    for (let j = 0; j < x.columns; j++) sum += (model.weights[j] ?? 0) * (x.values[r * x.columns + j] ?? 0);
    out[r] = sum;
  }
  return out;
}
