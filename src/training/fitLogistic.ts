import { columnMoments } from './columnMoments';
import type { DesignMatrix } from './fitRidge';
import { solveSymmetricPositiveDefinite } from './solveSymmetricPositiveDefinite';

/**
 * A softmax model on raw features: logit_k = intercepts[k] + Σ_j weights[j·K + k] · x[j] and
 * probabilities = softmax(logits). A binary model keeps class 0's logit at 0, so that its second
 * probability is the logistic sigmoid of one linear function.
 */
export interface LogisticCoefficients {
  /** Features × classes, row-major. */
  readonly weights: Float64Array;
  readonly intercepts: Float64Array;
}

export interface LogisticFitOptions {
  /** L2 penalty λ on the standardised weights (objective: Σ −log p + λ/2 · ‖w‖²); default 1. */
  readonly l2?: number;
  /** Newton iterations at most; default 100. */
  readonly maxIterations?: number;
  /** Converged when every gradient component is below tolerance × rows; default 1e-10. */
  readonly tolerance?: number;
}

export interface LogisticFit extends LogisticCoefficients {
  readonly iterations: number;
  readonly converged: boolean;
}

/**
 * L2-regularised logistic regression (binary, or multinomial for 3+ classes) on standardised features,
 * fitted by Newton's method with a backtracking line search, with unpenalised intercepts. `y` holds class
 * indices 0..classes−1. The standardisation is folded back into raw-feature weights.
 */
export function fitLogistic(
  x: DesignMatrix,
  y: ArrayLike<number>,
  classes: number,
  options: LogisticFitOptions = {},
): LogisticFit {
  if (y.length !== x.rows) throw new RangeError(`fitLogistic: ${x.rows} rows but ${y.length} labels`);
  const l2 = options.l2 ?? 1;
  const { means, scales } = columnMoments(x);
  const problem = new NewtonProblem(standardisedWithOnes(x, means, scales), y, classes, l2);
  let theta = new Float64Array(problem.parameters);
  let state = problem.evaluate(theta);
  let iterations = 0;
  let converged = false;
  const tolerance = (options.tolerance ?? 1e-10) * Math.max(1, x.rows);
  for (; iterations < (options.maxIterations ?? 100); iterations++) {
    const gradient = problem.gradient(theta, state.probabilities);
    if (gradient.every((g) => Math.abs(g) <= tolerance)) {
      converged = true;
      break;
    }
    const step = problem.newtonStep(state.probabilities, gradient);
    const slope = step.reduce((sum, s, i) => sum + s * (gradient[i] ?? 0), 0);
    let t = 1;
    let next = theta.map((value, i) => value - (step[i] ?? 0));
    let nextState = problem.evaluate(next);
    // Armijo backtracking: Newton's full step can overshoot far from the optimum.
    while (nextState.loss > state.loss - 1e-4 * t * slope && t > 1e-10) {
      t /= 2;
      next = theta.map((value, i) => value - t * (step[i] ?? 0));
      nextState = problem.evaluate(next);
    }
    if (!(nextState.loss <= state.loss)) break;
    theta = next;
    state = nextState;
  }
  return { ...problem.rawCoefficients(theta, means, scales), iterations, converged };
}

/** Class probabilities (rows × classes, row-major) and the most likely class index of every row. */
export function predictLogistic(
  model: LogisticCoefficients,
  x: DesignMatrix,
): { labels: Int32Array; probabilities: Float64Array } {
  const classes = model.intercepts.length;
  const probabilities = new Float64Array(x.rows * classes);
  const labels = new Int32Array(x.rows);
  const logits = new Float64Array(classes);
  for (let r = 0; r < x.rows; r++) {
    for (let k = 0; k < classes; k++) {
      let sum = model.intercepts[k] ?? 0;
      for (let j = 0; j < x.columns; j++) {
        sum += (model.weights[j * classes + k] ?? 0) * (x.values[r * x.columns + j] ?? 0);
      }
      logits[k] = sum;
    }
    labels[r] = softmaxInto(logits, probabilities, r * classes);
  }
  return { labels, probabilities };
}

/** Writes softmax(logits) at `offset` and returns the index of the largest logit (the first on a tie). */
function softmaxInto(logits: Float64Array, out: Float64Array, offset: number): number {
  let best = 0;
  for (let k = 1; k < logits.length; k++) if ((logits[k] ?? 0) > (logits[best] ?? 0)) best = k;
  const max = logits[best] ?? 0;
  let total = 0;
  for (let k = 0; k < logits.length; k++) total += Math.exp((logits[k] ?? 0) - max);
  for (let k = 0; k < logits.length; k++) out[offset + k] = Math.exp((logits[k] ?? 0) - max) / total;
  return best;
}

/** Standardised features with a leading column of ones (the intercept's), rows × (F + 1). */
function standardisedWithOnes(x: DesignMatrix, means: Float64Array, scales: Float64Array): DesignMatrix {
  const columns = x.columns + 1;
  const values = new Float64Array(x.rows * columns);
  for (let r = 0; r < x.rows; r++) {
    values[r * columns] = 1;
    for (let j = 0; j < x.columns; j++) {
      values[r * columns + j + 1] = ((x.values[r * x.columns + j] ?? 0) - (means[j] ?? 0)) / (scales[j] ?? 1);
    }
  }
  return { rows: x.rows, columns, values };
}

/**
 * The penalised negative log-likelihood over the parameters of the free classes (all classes, or only
 * class 1 of a binary problem), each block being [intercept, standardised weights...].
 */
class NewtonProblem {
  readonly free: readonly number[];
  readonly parameters: number;
  private readonly width: number;

  constructor(
    private readonly z: DesignMatrix,
    private readonly y: ArrayLike<number>,
    private readonly classes: number,
    private readonly l2: number,
  ) {
    this.free = classes === 2 ? [1] : Array.from({ length: classes }, (_, k) => k);
    this.width = z.columns;
    this.parameters = this.free.length * this.width;
  }

  /** Loss and the probabilities (rows × classes) at theta. */
  evaluate(theta: Float64Array): { loss: number; probabilities: Float64Array } {
    const { z, classes, width } = this;
    const probabilities = new Float64Array(z.rows * classes);
    const logits = new Float64Array(classes);
    let loss = 0;
    for (let r = 0; r < z.rows; r++) {
      logits.fill(0);
      this.free.forEach((k, m) => {
        let sum = 0;
        for (let d = 0; d < width; d++) sum += (theta[m * width + d] ?? 0) * (z.values[r * width + d] ?? 0);
        logits[k] = sum;
      });
      softmaxInto(logits, probabilities, r * classes);
      let max = -Infinity;
      for (const logit of logits) max = Math.max(max, logit);
      let total = 0;
      for (const logit of logits) total += Math.exp(logit - max);
      loss -= (logits[this.y[r] ?? 0] ?? 0) - max - Math.log(total);
    }
    return { loss: loss + (this.l2 / 2) * this.squaredWeights(theta), probabilities };
  }

  gradient(theta: Float64Array, probabilities: Float64Array): Float64Array {
    const { z, classes, width } = this;
    const gradient = new Float64Array(this.parameters);
    for (let r = 0; r < z.rows; r++) {
      this.free.forEach((k, m) => {
        const residual = (probabilities[r * classes + k] ?? 0) - (this.y[r] === k ? 1 : 0);
        for (let d = 0; d < width; d++) {
          gradient[m * width + d] =
            (gradient[m * width + d] ?? 0) + residual * (z.values[r * width + d] ?? 0);
        }
      });
    }
    for (let m = 0; m < this.free.length; m++) {
      for (let d = 1; d < width; d++) {
        gradient[m * width + d] = (gradient[m * width + d] ?? 0) + this.l2 * (theta[m * width + d] ?? 0);
      }
    }
    return gradient;
  }

  /**
   * H⁻¹·g. The multinomial Hessian is singular along a common shift of the intercepts: a small damping
   * keeps it solvable (the gradient has no component in that direction).
   */
  newtonStep(probabilities: Float64Array, gradient: Float64Array): Float64Array {
    const { z, classes, width } = this;
    const n = this.parameters;
    const hessian = new Float64Array(n * n);
    for (let r = 0; r < z.rows; r++) {
      const row = z.values.subarray(r * width, (r + 1) * width);
      this.free.forEach((k, m) => {
        const pk = probabilities[r * classes + k] ?? 0;
        this.free.forEach((l, mm) => {
          if (mm < m) return;
          const weight = pk * ((k === l ? 1 : 0) - (probabilities[r * classes + l] ?? 0));
          if (weight === 0) return;
          for (let d = 0; d < width; d++) {
            const wd = weight * (row[d] ?? 0);
            const base = (m * width + d) * n + mm * width;
            for (let e = 0; e < width; e++) hessian[base + e] = (hessian[base + e] ?? 0) + wd * (row[e] ?? 0);
          }
        });
      });
    }
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < i; j++) hessian[i * n + j] = hessian[j * n + i] ?? 0;
      if (i % width !== 0) hessian[i * n + i] = (hessian[i * n + i] ?? 0) + this.l2;
    }
    for (let damping = 1e-10 * Math.max(1, z.rows); damping < 1e10; damping *= 100) {
      const damped = hessian.map((value, index) => (index % (n + 1) === 0 ? value + damping : value));
      const step = solveSymmetricPositiveDefinite(damped, gradient, n);
      if (step !== undefined) return step;
    }
    throw new RangeError('fitLogistic: the Hessian cannot be factorised (are there non-finite features?)');
  }

  /** Raw-feature weights (features × classes) and intercepts from standardised parameters. */
  rawCoefficients(theta: Float64Array, means: Float64Array, scales: Float64Array): LogisticCoefficients {
    const { classes, width } = this;
    const features = width - 1;
    const weights = new Float64Array(features * classes);
    const intercepts = new Float64Array(classes);
    this.free.forEach((k, m) => {
      let intercept = theta[m * width] ?? 0;
      for (let j = 0; j < features; j++) {
        const weight = (theta[m * width + j + 1] ?? 0) / (scales[j] ?? 1);
        weights[j * classes + k] = weight;
        intercept -= weight * (means[j] ?? 0);
      }
      intercepts[k] = intercept;
    });
    if (this.free.length === classes) {
      // A common shift of all intercepts changes nothing: report them centred, so the fit is unique.
      const mean = intercepts.reduce((a, b) => a + b, 0) / classes;
      intercepts.forEach((value, k) => (intercepts[k] = value - mean));
    }
    return { weights, intercepts };
  }

  private squaredWeights(theta: Float64Array): number {
    let sum = 0;
    for (let m = 0; m < this.free.length; m++) {
      for (let d = 1; d < this.width; d++) sum += (theta[m * this.width + d] ?? 0) ** 2;
    }
    return sum;
  }
}
