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
  if (y.length !== x.rows) throw new RangeError(`fitRidge: ${x.rows} rows but ${y.length} targets`);
  const { means, scales } = columnMoments(x);
  const yMean = y.reduce((sum, value) => sum + value, 0) / y.length;
  const p = x.columns;
  // Normal equations on standardised Z: (ZᵀZ + αI) w = Zᵀ(y − ȳ).
  const gram = new Float64Array(p * p);
  const rhs = new Float64Array(p);
  const z = new Float64Array(p);
  for (let r = 0; r < x.rows; r++) {
    for (let j = 0; j < p; j++) z[j] = ((x.values[r * p + j] ?? 0) - (means[j] ?? 0)) / (scales[j] ?? 1);
    const centred = (y[r] ?? 0) - yMean;
    for (let j = 0; j < p; j++) {
      const zj = z[j] ?? 0;
      rhs[j] = (rhs[j] ?? 0) + zj * centred;
      for (let k = 0; k < p; k++) gram[j * p + k] = (gram[j * p + k] ?? 0) + zj * (z[k] ?? 0);
    }
  }
  for (let j = 0; j < p; j++) gram[j * p + j] = (gram[j * p + j] ?? 0) + alpha;
  const standardised = solveSymmetricPositiveDefinite(gram, rhs, p);
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

/** Coefficient of determination R² = 1 − SS_res / SS_tot. */
export function r2Score(actual: Float64Array, predicted: Float64Array): number {
  const mean = actual.reduce((sum, value) => sum + value, 0) / actual.length;
  let residual = 0;
  let total = 0;
  actual.forEach((value, i) => {
    residual += (value - (predicted[i] ?? 0)) ** 2;
    total += (value - mean) ** 2;
  });
  return 1 - residual / total;
}

function columnMoments(x: DesignMatrix): { means: Float64Array; scales: Float64Array } {
  const means = new Float64Array(x.columns);
  const scales = new Float64Array(x.columns);
  for (let j = 0; j < x.columns; j++) {
    let sum = 0;
    for (let r = 0; r < x.rows; r++) sum += x.values[r * x.columns + j] ?? 0;
    const mean = sum / x.rows;
    let squares = 0;
    for (let r = 0; r < x.rows; r++) squares += ((x.values[r * x.columns + j] ?? 0) - mean) ** 2;
    const std = Math.sqrt(squares / x.rows);
    means[j] = mean;
    // A constant column carries no signal; scale 1 keeps its weight at 0 instead of dividing by zero.
    scales[j] = std > 0 ? std : 1;
  }
  return { means, scales };
}

/** Cholesky factorisation A = LLᵀ, then forward and back substitution. */
function solveSymmetricPositiveDefinite(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i * n + j] ?? 0;
      for (let k = 0; k < j; k++) sum -= (l[i * n + k] ?? 0) * (l[j * n + k] ?? 0);
      if (i === j) {
        if (sum <= 0) throw new RangeError('fitRidge: the normal equations are not positive definite');
        l[i * n + i] = Math.sqrt(sum);
      } else {
        l[i * n + j] = sum / (l[j * n + j] ?? 1);
      }
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = b[i] ?? 0;
    for (let k = 0; k < i; k++) sum -= (l[i * n + k] ?? 0) * (y[k] ?? 0);
    y[i] = sum / (l[i * n + i] ?? 1);
  }
  const w = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let sum = y[i] ?? 0;
    for (let k = i + 1; k < n; k++) sum -= (l[k * n + i] ?? 0) * (w[k] ?? 0);
    w[i] = sum / (l[i * n + i] ?? 1);
  }
  return w;
}
