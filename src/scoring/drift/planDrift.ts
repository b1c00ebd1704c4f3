import type { FeatureBins } from '../../runtime/drift/binCounts';
import { parseTrainingBaseline } from '../../runtime/drift/TrainingBaseline';
import type { ModelCard } from '../../runtime/models/ModelCard';

/** PSI from which a feature's drift warns, and from which it breaches. */
export interface DriftThreshold {
  readonly psiWarning: number;
  readonly psiBreach: number;
}

export const defaultDriftThreshold: DriftThreshold = { psiWarning: 0.1, psiBreach: 0.25 };

/** A feature the partitions count in its baseline's bins, with the baseline's shares of those bins. */
export interface DriftFeature extends FeatureBins {
  readonly name: string;
  readonly proportions: readonly number[];
  /** Enough bins for a KS statistic to say something (a 0/1 column has two). */
  readonly continuous: boolean;
}

/**
 * How a job measures its input drift, decided once with the model: against the version's training
 * baseline, or not at all and why. Travels with the plan to every partition.
 */
export type DriftPlan =
  | { readonly kind: 'baseline'; readonly threshold: DriftThreshold; readonly features: DriftFeature[] }
  | { readonly kind: 'none'; readonly reason: string };

// Fewer bins than this means few distinct values in training: KS on them says little, PSI is kept.
const minContinuousBins = 5;

/**
 * The drift plan of a model version for the job's feature columns: every feature column the card's
 * `training.baseline` describes, with the card's `drift` thresholds (defaults 0.1 and 0.25).
 */
export function planDrift(card: ModelCard | undefined, featureColumns: readonly string[]): DriftPlan {
  const stored: unknown = card?.training?.baseline;
  if (stored === undefined || card === undefined)
    return { kind: 'none', reason: 'The model version has no training baseline.' };
  let baseline;
  try {
    baseline = parseTrainingBaseline(stored, `the card of ${card.name}@${card.version}`);
  } catch (error) {
    return { kind: 'none', reason: (error as Error).message };
  }
  const features: DriftFeature[] = [];
  featureColumns.forEach((name, column) => {
    const feature = Object.hasOwn(baseline.features, name) ? baseline.features[name] : undefined;
    if (feature === undefined) return;
    const { edges, proportions } = feature;
    features.push({ name, column, edges, proportions, continuous: edges.length + 1 >= minContinuousBins });
  });
  if (features.length === 0)
    return { kind: 'none', reason: "The training baseline describes none of the job's feature columns." };
  const threshold = {
    psiWarning: card.drift?.psiWarning ?? defaultDriftThreshold.psiWarning,
    psiBreach: card.drift?.psiBreach ?? defaultDriftThreshold.psiBreach,
  };
  return { kind: 'baseline', threshold, features };
}
