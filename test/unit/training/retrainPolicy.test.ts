import { ValidationError } from '../../../src/errors';
import { decidePromotion, type PromotionPolicy } from '../../../src/training/retrain/decidePromotion';
import { effectivePolicy } from '../../../src/training/retrain/RetrainDeclaration';

const r2: PromotionPolicy = { metric: 'r2', direction: 'higher', minImprovement: 0.01, floor: 0.3 };
const rmse: PromotionPolicy = { metric: 'rmse', direction: 'lower', minImprovement: 0.5 };

describe('decidePromotion', () => {
  it.each<[string, PromotionPolicy, Record<string, number>, number | undefined, boolean, string]>([
    [
      'higher is better, better by more than the minimum',
      r2,
      { r2: 0.5 },
      0.4,
      true,
      "Promoted: the candidate's r2 0.5 against production version 3's 0.4 (higher is better): better by 0.1, at least the 0.01 required and reaches the floor (≥ 0.3).",
    ],
    [
      'higher is better, better by less than the minimum',
      r2,
      { r2: 0.405 },
      0.4,
      false,
      "Not promoted: the candidate's r2 0.405 against production version 3's 0.4 (higher is better): it is better by 0.005, less than the 0.01 required.",
    ],
    [
      'higher is better, worse',
      r2,
      { r2: 0.35 },
      0.4,
      false,
      "Not promoted: the candidate's r2 0.35 against production version 3's 0.4 (higher is better): it is not better (by -0.05).",
    ],
    [
      'below the floor, even though production is worse still',
      r2,
      { r2: 0.25 },
      -3,
      false,
      "Not promoted: the candidate's r2 0.25 does not reach the floor (≥ 0.3).",
    ],
    [
      'lower is better, better by more than the minimum',
      rmse,
      { rmse: 50 },
      53,
      true,
      "Promoted: the candidate's rmse 50 against production version 3's 53 (lower is better): better by 3, at least the 0.5 required.",
    ],
    [
      'lower is better, equal is not better',
      { ...rmse, minImprovement: 0 },
      { rmse: 53 },
      53,
      false,
      "Not promoted: the candidate's rmse 53 against production version 3's 53 (lower is better): it is not better (by 0).",
    ],
  ])('%s', (_what, policy, candidate, productionValue, promote, reason) => {
    const production = { version: 3, metrics: { [policy.metric]: productionValue ?? NaN } };
    const decision = decidePromotion(policy, candidate, production);
    expect(decision).toMatchObject({ promote, reason });
  });

  it('a lower-is-better floor is a ceiling', () => {
    const decision = decidePromotion({ ...rmse, floor: 40 }, { rmse: 45 }, undefined);
    expect(decision.promote).toBe(false);
    expect(decision.reason).toBe("Not promoted: the candidate's rmse 45 does not reach the floor (≤ 40).");
  });

  it('with no production version the candidate is promoted if it reaches the floor', () => {
    expect(decidePromotion(r2, { r2: 0.31 }, undefined)).toEqual({
      promote: true,
      candidateValue: 0.31,
      reason:
        "Promoted: there is no production version, and the candidate's r2 0.31 reaches the floor (≥ 0.3).",
    });
    expect(decidePromotion(r2, { r2: 0.29 }, undefined).promote).toBe(false);
    expect(decidePromotion({ ...r2, floor: undefined }, { r2: -5 }, undefined).reason).toBe(
      "Promoted: there is no production version, and the candidate's r2 -5 is taken (no floor is set).",
    );
  });

  it('a production model that could not be evaluated is not replaced automatically', () => {
    const decision = decidePromotion(r2, { r2: 0.9 }, { version: 4, error: 'Column "bmi" is missing' });
    expect(decision.promote).toBe(false);
    expect(decision.reason).toBe(
      'Not promoted: production version 4 could not be evaluated on the holdout (Column "bmi" is missing); compare them and promote by hand if the candidate should replace it.',
    );
  });

  it('a candidate without the metric is not promoted and the reason lists what it has', () => {
    const decision = decidePromotion(r2, { rmse: 3, mae: 2 }, undefined);
    expect(decision).toEqual({
      promote: false,
      reason: 'The candidate has no r2 on the holdout (it has: rmse, mae); choose a metric it reports.',
    });
    expect(decidePromotion(r2, { r2: NaN }, undefined).promote).toBe(false);
  });
});

describe('effectivePolicy', () => {
  it('defaults by task: r2 for regression, accuracy for classification, direction from the metric', () => {
    expect(effectivePolicy('regression')).toEqual({ metric: 'r2', direction: 'higher', minImprovement: 0 });
    expect(effectivePolicy('classification')).toEqual({
      metric: 'accuracy',
      direction: 'higher',
      minImprovement: 0,
    });
    expect(effectivePolicy('classification', { metric: 'logLoss' }).direction).toBe('lower');
  });

  it('later layers win field by field (request over card)', () => {
    const card = { metric: 'rmse' as const, minImprovement: 1, floor: 60 };
    expect(effectivePolicy('regression', card, { minImprovement: 2 })).toEqual({
      metric: 'rmse',
      direction: 'lower',
      minImprovement: 2,
      floor: 60,
    });
  });

  it('refuses a metric of the other task, naming the field', () => {
    expect(() => effectivePolicy('regression', { metric: 'accuracy' })).toThrow(
      new ValidationError(
        'Promotion metric accuracy does not apply to a regression model; use r2, rmse or mae.',
      ),
    );
    let thrown: unknown;
    try {
      effectivePolicy('classification', { metric: 'r2' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ValidationError);
    expect((thrown as ValidationError).details.field).toBe('policy.metric');
  });
});
