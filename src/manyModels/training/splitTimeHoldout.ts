import { ValidationError } from '../../errors';

/** Positions into the periods given, each list ascending. */
export interface TimeHoldoutSplit {
  readonly train: number[];
  readonly holdout: number[];
}

/**
 * Holds out the last `holdoutPeriods` periods of a series: rows whose period is within that many
 * periods of the latest one. Time-ordered, so the model is judged on the future it did not see (a
 * random split would let it learn from the weeks around each held-out week).
 */
export function splitTimeHoldout(periods: ArrayLike<number>, holdoutPeriods: number): TimeHoldoutSplit {
  if (!Number.isInteger(holdoutPeriods) || holdoutPeriods < 1)
    throw new ValidationError(
      `The holdout must be a whole number of periods, at least 1 (got ${holdoutPeriods})`,
      {
        field: 'holdout',
      },
    );
  let last = -Infinity;
  for (let i = 0; i < periods.length; i++) last = Math.max(last, periods[i]!);
  const train: number[] = [];
  const holdout: number[] = [];
  for (let i = 0; i < periods.length; i++) (periods[i]! > last - holdoutPeriods ? holdout : train).push(i);
  return { train, holdout };
}
