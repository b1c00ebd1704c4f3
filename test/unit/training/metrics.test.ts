import {
  accuracy,
  argmaxRows,
  evaluateClassification,
  evaluateRegression,
  logLoss,
  meanAbsoluteError,
  r2Score,
  rocAuc,
  rootMeanSquaredError,
} from '../../../src/training/metrics';

describe('regression metrics', () => {
  // Errors 0.5, −0.5, 0, −1; the actual values' mean is 11.5 / 4 = 2.875.
  const actual = [3, -0.5, 2, 7];
  const predicted = [2.5, 0, 2, 8];

  it('computes RMSE, MAE and R² as by hand', () => {
    expect(rootMeanSquaredError(actual, predicted)).toBeCloseTo(Math.sqrt((0.25 + 0.25 + 0 + 1) / 4), 12);
    expect(meanAbsoluteError(actual, predicted)).toBeCloseTo((0.5 + 0.5 + 0 + 1) / 4, 12);
    const total = 0.125 ** 2 + 3.375 ** 2 + 0.875 ** 2 + 4.125 ** 2;
    expect(r2Score(actual, predicted)).toBeCloseTo(1 - 1.5 / total, 12);
    expect(evaluateRegression(actual, predicted)).toEqual({
      rmse: rootMeanSquaredError(actual, predicted),
      mae: 0.5,
      r2: r2Score(actual, predicted),
    });
  });

  it('gives R² 1 for perfect predictions and 0 for predicting the mean', () => {
    expect(r2Score(actual, actual)).toBe(1);
    expect(
      r2Score(
        actual,
        actual.map(() => 2.875),
      ),
    ).toBe(0);
  });

  it('keeps R² finite when every actual value is the same: 1 if exact, else 0', () => {
    expect(r2Score([3, 3, 3], [3, 3, 3])).toBe(1);
    expect(r2Score([3, 3, 3], [3, 2.5, 3])).toBe(0);
  });

  it('refuses predictions of another length', () => {
    expect(() => rootMeanSquaredError([1, 2], [1])).toThrow('metrics: 2 actual values and 1 predictions');
  });
});

describe('classification metrics', () => {
  // Binary: rows of [P(class 0), P(class 1)].
  const binaryActual = [0, 1, 1, 0];
  const binaryProbabilities = [0.9, 0.1, 0.1, 0.9, 0.2, 0.8, 0.65, 0.35];

  it('computes accuracy and log-loss as by hand', () => {
    expect(accuracy([0, 1, 2, 1], [0, 2, 2, 1])).toBe(0.75);
    const expected = -(Math.log(0.9) + Math.log(0.9) + Math.log(0.8) + Math.log(0.65)) / 4;
    expect(logLoss(binaryActual, binaryProbabilities, 2)).toBeCloseTo(expected, 12);
  });

  it('clips probabilities so that a confident mistake is large but finite', () => {
    expect(logLoss([1], [1, 0], 2)).toBeCloseTo(-Math.log(1e-15), 6);
  });

  it('computes ROC AUC by counting ordered pairs, ties as one half', () => {
    // Positives score 0.35 and 0.8; negatives 0.1 and 0.4: 3 of the 4 pairs are ordered.
    expect(rocAuc([false, false, true, true], [0.1, 0.4, 0.35, 0.8])).toBe(0.75);
    expect(rocAuc([false, true], [0.5, 0.5])).toBe(0.5);
    // Positive 0.5 against negatives 0.2, 0.5 (tie), 0.7: (1 + 0.5 + 0) / 3.
    expect(rocAuc([false, true, false, false], [0.2, 0.5, 0.5, 0.7])).toBeCloseTo(0.5, 12);
    expect(rocAuc([true, true], [0.1, 0.2])).toBeUndefined();
  });

  it('evaluates binary probabilities: accuracy of the most probable class, log-loss and AUC of class 1', () => {
    const metrics = evaluateClassification(binaryActual, binaryProbabilities, 2);
    expect(metrics.accuracy).toBe(1);
    expect(metrics.logLoss).toBeCloseTo(logLoss(binaryActual, binaryProbabilities, 2), 15);
    // Class 1 scores 0.9 and 0.8 against 0.1 and 0.35: every pair is ordered.
    expect(metrics.auc).toBe(1);
  });

  it('evaluates three classes with macro one-vs-rest AUC', () => {
    const actual = [0, 1, 2, 2];
    // prettier-ignore
    const probabilities = [
      0.6, 0.3, 0.1,
      0.5, 0.4, 0.1,
      0.2, 0.5, 0.3,
      0.1, 0.2, 0.7,
    ];
    expect(Array.from(argmaxRows(probabilities, 3))).toEqual([0, 0, 1, 2]);
    const metrics = evaluateClassification(actual, probabilities, 3);
    expect(metrics.accuracy).toBe(0.5);
    expect(metrics.logLoss).toBeCloseTo(
      -(Math.log(0.6) + Math.log(0.4) + Math.log(0.3) + Math.log(0.7)) / 4,
      12,
    );
    // Class 0: its 0.6 beats 0.5, 0.2 and 0.1 → 1. Class 1: its 0.4 beats 0.3 and 0.2, not 0.5 → 2/3.
    // Class 2: its 0.3 and 0.7 beat 0.1 and 0.1 → 1.
    expect(metrics.auc).toBeCloseTo((1 + 2 / 3 + 1) / 3, 12);
  });

  it('leaves AUC out when no class has both positives and negatives', () => {
    expect(evaluateClassification([1, 1], [0.2, 0.8, 0.4, 0.6], 2)).toEqual({
      accuracy: 1,
      logLoss: -(Math.log(0.8) + Math.log(0.6)) / 2,
    });
  });

  it('refuses probabilities that do not fit rows × classes', () => {
    expect(() => evaluateClassification([0, 1], [0.5, 0.5, 1], 2)).toThrow(
      'evaluateClassification: 3 probabilities for 2 rows of 2 classes',
    );
  });
});
