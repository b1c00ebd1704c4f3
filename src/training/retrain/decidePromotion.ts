/** Metrics the built-in trainers report: regression (rmse, mae, r2) and classification (accuracy, logLoss, auc). */
export type MetricName = 'rmse' | 'mae' | 'r2' | 'accuracy' | 'logLoss' | 'auc';

/** When a candidate replaces the production model. */
export interface PromotionPolicy {
  /** The metric compared on the holdout. */
  readonly metric: MetricName;
  /** Whether a higher value of the metric is better (r2, accuracy, auc) or a lower one (rmse, mae, logLoss). */
  readonly direction: 'higher' | 'lower';
  /** How much better than production the candidate must be, in the metric's units (≥ 0). */
  readonly minImprovement: number;
  /** An absolute bar the candidate must reach whatever production does (e.g. r2 ≥ 0.4, rmse ≤ 60). */
  readonly floor?: number;
}

/** The production model's side of the comparison: its metrics on the holdout, or why there are none. */
export interface ProductionResult {
  readonly version: number;
  readonly metrics?: Readonly<Record<string, number>>;
  readonly error?: string;
}

export interface PromotionDecision {
  readonly promote: boolean;
  /** One sentence a person can act on, with the numbers compared. */
  readonly reason: string;
  readonly candidateValue?: number;
  readonly productionValue?: number;
}

/**
 * Decides whether a candidate is promoted: its metric must exist, reach the floor, and (when there is a
 * production version) beat production's on the same holdout by more than zero and at least
 * `minImprovement`. A production model that could not be evaluated is never replaced automatically.
 */
export function decidePromotion(
  policy: PromotionPolicy,
  candidate: Readonly<Record<string, number>>,
  production: ProductionResult | undefined,
): PromotionDecision {
  const { metric, direction, floor, minImprovement } = policy;
  const value = candidate[metric];
  if (value === undefined || !Number.isFinite(value)) {
    const known = Object.keys(candidate).join(', ') || 'none';
    return {
      promote: false,
      reason: `The candidate has no ${metric} on the holdout (it has: ${known}); choose a metric it reports.`,
    };
  }
  const better = direction === 'higher' ? 'higher' : 'lower';
  const candidateText = `the candidate's ${metric} ${round(value)}`;
  if (floor !== undefined && (direction === 'higher' ? value < floor : value > floor)) {
    return {
      promote: false,
      candidateValue: value,
      reason: `Not promoted: ${candidateText} does not reach the floor (${direction === 'higher' ? '≥' : '≤'} ${floor}).`,
    };
  }
  const floorText =
    floor === undefined ? '' : ` and reaches the floor (${direction === 'higher' ? '≥' : '≤'} ${floor})`;
  if (production === undefined) {
    const bar = floor === undefined ? ' is taken (no floor is set)' : floorText.replace(' and', '');
    return {
      promote: true,
      candidateValue: value,
      reason: `Promoted: there is no production version, and ${candidateText}${bar}.`,
    };
  }
  const productionValue = production.metrics?.[metric];
  if (production.error !== undefined || productionValue === undefined || !Number.isFinite(productionValue)) {
    const why = production.error ?? `it has no ${metric}`;
    return {
      promote: false,
      candidateValue: value,
      reason: `Not promoted: production version ${production.version} could not be evaluated on the holdout (${why}); compare them and promote by hand if the candidate should replace it.`,
    };
  }
  const improvement = direction === 'higher' ? value - productionValue : productionValue - value;
  const comparison = `${candidateText} against production version ${production.version}'s ${round(productionValue)} (${better} is better)`;
  if (improvement > 0 && improvement >= minImprovement) {
    return {
      promote: true,
      candidateValue: value,
      productionValue,
      reason: `Promoted: ${comparison}: better by ${round(improvement)}, at least the ${minImprovement} required${floorText}.`,
    };
  }
  const shortfall =
    improvement <= 0
      ? `it is not better (by ${round(improvement)})`
      : `it is better by ${round(improvement)}, less than the ${minImprovement} required`;
  return {
    promote: false,
    candidateValue: value,
    productionValue,
    reason: `Not promoted: ${comparison}: ${shortfall}.`,
  };
}

function round(value: number): string {
  return String(Number(value.toPrecision(4)));
}
