/** The metric a model's live rows are judged by: R² or RMSE for regression, accuracy for classification. */
export type LiveMetric = 'r2' | 'rmse' | 'accuracy';

/**
 * Additive sums of labelled predictions: two sets of rows merge by adding their sums, so a bucket's
 * metric is computed from the rows of every feedback batch without reading the rows again.
 */
export interface MetricSums {
  n: number;
  /** Regression: Σy, Σy², Σ(y − ŷ)². */
  sumLabel: number;
  sumLabelSquared: number;
  sumSquaredError: number;
  /** Classification: rows whose predicted class is the label. */
  correct: number;
}

export function emptySums(): MetricSums {
  return { n: 0, sumLabel: 0, sumLabelSquared: 0, sumSquaredError: 0, correct: 0 };
}

/** Adds one labelled prediction (text as written in the output and the feedback). */
export function addToSums(
  sums: MetricSums,
  label: string,
  prediction: string,
  task: 'regression' | 'classification',
) {
  sums.n++;
  if (task === 'classification') {
    if (sameClass(label, prediction)) sums.correct++;
    return;
  }
  const y = Number(label);
  const error = y - Number(prediction);
  sums.sumLabel += y;
  sums.sumLabelSquared += y * y;
  sums.sumSquaredError += error * error;
}

export function mergeSums(into: MetricSums, from: MetricSums): void {
  into.n += from.n;
  into.sumLabel += from.sumLabel;
  into.sumLabelSquared += from.sumLabelSquared;
  into.sumSquaredError += from.sumSquaredError;
  into.correct += from.correct;
}

/**
 * The metric of the rows summed. R² is 1 − SS_res / SS_tot; when every label is the same (SS_tot 0)
 * it is 1 for exact predictions and 0 otherwise, as the training metrics report it.
 */
export function metricOf(sums: MetricSums, metric: LiveMetric): number {
  if (sums.n === 0) return NaN;
  if (metric === 'accuracy') return sums.correct / sums.n;
  if (metric === 'rmse') return Math.sqrt(sums.sumSquaredError / sums.n);
  const total = sums.sumLabelSquared - (sums.sumLabel * sums.sumLabel) / sums.n;
  // Below rounding error of the sums, the labels are all the same.
  if (total <= 1e-12 * Math.max(1, sums.sumLabelSquared)) return sums.sumSquaredError === 0 ? 1 : 0;
  return 1 - sums.sumSquaredError / total;
}

/** The metric a task is judged by unless one is asked for. */
export function defaultLiveMetric(task: 'regression' | 'classification'): LiveMetric {
  return task === 'regression' ? 'r2' : 'accuracy';
}

/** A class written as text: "1" and "1.0" are the same class, "cat" and "cat" too. */
function sameClass(label: string, prediction: string): boolean {
  if (label === prediction) return true;
  const a = Number(label);
  const b = Number(prediction);
  return label !== '' && prediction !== '' && Number.isFinite(a) && a === b;
}
