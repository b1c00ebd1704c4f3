/** Regression metrics of predictions against actual values. */
export interface RegressionMetrics {
  readonly rmse: number;
  readonly mae: number;
  readonly r2: number;
}

/** Classification metrics of predicted class probabilities against actual class indices. */
export interface ClassificationMetrics {
  readonly accuracy: number;
  readonly logLoss: number;
  /** Binary: ROC AUC of the second class's probability; more classes: macro one-vs-rest AUC. */
  readonly auc?: number;
}

type Numbers = ArrayLike<number>;

/** Root mean squared error. */
export function rootMeanSquaredError(actual: Numbers, predicted: Numbers): number {
  checkLengths(actual, predicted);
  let sum = 0;
  for (let i = 0; i < actual.length; i++) sum += ((actual[i] ?? 0) - (predicted[i] ?? 0)) ** 2;
  return Math.sqrt(sum / actual.length);
}

/** Mean absolute error. */
export function meanAbsoluteError(actual: Numbers, predicted: Numbers): number {
  checkLengths(actual, predicted);
  let sum = 0;
  for (let i = 0; i < actual.length; i++) sum += Math.abs((actual[i] ?? 0) - (predicted[i] ?? 0));
  return sum / actual.length;
}

/**
 * Coefficient of determination R² = 1 − SS_res / SS_tot. When every actual value is the same (SS_tot
 * is 0) R² is undefined; it is reported as 1 for exact predictions and 0 otherwise (as scikit-learn
 * does by default), so that a metric is always a finite number.
 */
export function r2Score(actual: Numbers, predicted: Numbers): number {
  checkLengths(actual, predicted);
  let mean = 0;
  for (let i = 0; i < actual.length; i++) mean += actual[i] ?? 0;
  mean /= actual.length;
  let residual = 0;
  let total = 0;
  for (let i = 0; i < actual.length; i++) {
    const value = actual[i] ?? 0;
    residual += (value - (predicted[i] ?? 0)) ** 2;
    total += (value - mean) ** 2;
  }
  if (total === 0) return residual === 0 ? 1 : 0;
  return 1 - residual / total;
}

/** RMSE, MAE and R² in one object (the shape a model card's metrics take). */
export function evaluateRegression(actual: Numbers, predicted: Numbers): RegressionMetrics {
  return {
    rmse: rootMeanSquaredError(actual, predicted),
    mae: meanAbsoluteError(actual, predicted),
    r2: r2Score(actual, predicted),
  };
}

/** Fraction of rows whose predicted class index equals the actual one. */
export function accuracy(actual: Numbers, predicted: Numbers): number {
  checkLengths(actual, predicted);
  let hits = 0;
  for (let i = 0; i < actual.length; i++) if (actual[i] === predicted[i]) hits++;
  return hits / actual.length;
}

/**
 * Mean negative log-likelihood of the actual classes; `probabilities` is rows × classes, row-major.
 * Probabilities are clipped to [1e-15, 1 − 1e-15] so that one confident mistake does not make it infinite.
 */
export function logLoss(actual: Numbers, probabilities: Numbers, classes: number): number {
  checkLengths(actual, { length: probabilities.length / classes });
  let sum = 0;
  for (let i = 0; i < actual.length; i++) {
    const p = probabilities[i * classes + (actual[i] ?? 0)] ?? 0;
    sum -= Math.log(Math.min(Math.max(p, 1e-15), 1 - 1e-15));
  }
  return sum / actual.length;
}

/**
 * ROC AUC: the probability that a random positive scores above a random negative, ties counting one half
 * (Mann–Whitney U over average ranks). Undefined when there are no positives or no negatives.
 */
export function rocAuc(positive: ArrayLike<boolean>, scores: Numbers): number | undefined {
  checkLengths(positive, scores);
  const order = Array.from({ length: scores.length }, (_, i) => i).sort(
    (a, b) => (scores[a] ?? 0) - (scores[b] ?? 0),
  );
  let positives = 0;
  let positiveRankSum = 0;
  for (let start = 0; start < order.length;) {
    let end = start;
    const score = scores[order[start] ?? 0];
    while (end < order.length && scores[order[end] ?? 0] === score) end++;
    // Ranks start..end-1 (0-based) are tied: each gets their average, 1-based.
    const averageRank = (start + end + 1) / 2;
    for (let k = start; k < end; k++) {
      if (positive[order[k] ?? 0]) {
        positives++;
        positiveRankSum += averageRank;
      }
    }
    start = end;
  }
  const negatives = order.length - positives;
  if (positives === 0 || negatives === 0) return undefined;
  return (positiveRankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Index of the largest of `classes` values in each row (the first on a tie). */
export function argmaxRows(probabilities: Numbers, classes: number): Int32Array {
  const rows = probabilities.length / classes;
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let k = 1; k < classes; k++) {
      if ((probabilities[r * classes + k] ?? 0) > (probabilities[r * classes + best] ?? 0)) best = k;
    }
    out[r] = best;
  }
  return out;
}

/**
 * Accuracy (of the most probable class), log-loss and AUC from class probabilities (rows × classes,
 * row-major) and actual class indices 0..classes−1. AUC is left out when no class has both positives
 * and negatives; a class absent from `actual` is left out of the macro average.
 */
export function evaluateClassification(
  actual: Numbers,
  probabilities: Numbers,
  classes: number,
): ClassificationMetrics {
  if (!Number.isInteger(classes) || classes < 2 || probabilities.length !== actual.length * classes) {
    throw new RangeError(
      `evaluateClassification: ${probabilities.length} probabilities for ${actual.length} rows of ${classes} classes`,
    );
  }
  const column = (k: number) =>
    Float64Array.from({ length: actual.length }, (_, r) => probabilities[r * classes + k] ?? 0);
  const isClass = (k: number) => Array.from({ length: actual.length }, (_, r) => actual[r] === k);
  const aucs =
    classes === 2
      ? [rocAuc(isClass(1), column(1))]
      : Array.from({ length: classes }, (_, k) => rocAuc(isClass(k), column(k)));
  const defined = aucs.filter((auc): auc is number => auc !== undefined);
  const auc = defined.length === 0 ? undefined : defined.reduce((a, b) => a + b, 0) / defined.length;
  return {
    accuracy: accuracy(actual, argmaxRows(probabilities, classes)),
    logLoss: logLoss(actual, probabilities, classes),
    ...(auc === undefined ? {} : { auc }),
  };
}

function checkLengths(actual: { length: number }, predicted: { length: number }): void {
  if (actual.length !== predicted.length || actual.length === 0) {
    throw new RangeError(`metrics: ${actual.length} actual values and ${predicted.length} predictions`);
  }
}
