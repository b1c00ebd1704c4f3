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

/** The normal equations of all rows: standardised features, ZᵀZ and Zᵀ(y − ȳ), from one pass. */
export function ridgeSystem(x: DesignMatrix, y: Float64Array): RidgeSystem {
  if (y.length !== x.rows) throw new RangeError(`fitRidge: ${x.rows} rows but ${y.length} targets`);
  return ridgeSystemWithout(foldSums(x, y, 1), -1);
}

/**
 * Sums over each fold's rows (row r is in fold r mod folds) of the features and target shifted by the
 * first row's values: counts, Σx, Σy, Σxy and the upper triangle of Σxxᵀ. Any set of folds' ridge system
 * follows from them (ridgeSystemWithout) with one pass over the data instead of one per fold. The shift keeps
 * the sums' cancellation small, and a column constant over the rows sums to exactly zero.
 */
export interface FoldSums {
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

export function foldSums(matrix: DesignMatrix, target: Float64Array, folds: number): FoldSums {
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
 * The ridge system of every row outside fold `left` (-1: of every row): standardised with those rows'
 * means and population standard deviations (scikit-learn's StandardScaler; 1 for a constant column).
 */
export function ridgeSystemWithout(sums: FoldSums, left: number): RidgeSystem {
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
