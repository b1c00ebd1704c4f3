import type { FeatureBins } from './binCounts';
import type { PredictionBins } from './predictionBins';
import { parseTrainingBaseline, type TrainingBaseline } from './TrainingBaseline';
import type { ModelCard } from '../models/ModelCard';

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

/** A model output the partitions count in its prediction baseline's bins (see driftValueAt). */
export interface DriftPrediction extends PredictionBins {
  readonly proportions: readonly number[];
  readonly continuous: boolean;
}

/**
 * How a job measures its drift, decided once with the model: its inputs against the version's training
 * baseline and its predictions against the version's holdout predictions (where the card has them), or
 * not at all and why. Travels with the plan to every partition.
 */
export type DriftPlan =
  | {
      readonly kind: 'baseline';
      readonly threshold: DriftThreshold;
      readonly features: DriftFeature[];
      /** Absent or empty: the version has no prediction baseline, only inputs are measured. */
      readonly predictions?: DriftPrediction[];
      /** The card's `drift.retrainOnBreach`. */
      readonly retrainOnBreach?: boolean;
    }
  | { readonly kind: 'none'; readonly reason: string };

// Fewer bins than this means few distinct values in training: KS on them says little, PSI is kept.
const minContinuousBins = 5;

/**
 * The drift plan of a model version for the job's feature columns and scored outputs: every feature
 * column the card's `training.baseline` describes and every output its `training.predictionBaseline`
 * describes, with the card's `drift` thresholds (defaults 0.1 and 0.25).
 */
export function planDrift(
  card: ModelCard | undefined,
  featureColumns: readonly string[],
  outputs: readonly string[] = [],
): DriftPlan {
  const stored: unknown = card?.training?.baseline;
  if (stored === undefined || card === undefined)
    return { kind: 'none', reason: 'The model version has no training baseline.' };
  const where = `the card of ${card.name}@${card.version}`;
  let baseline;
  let predictionBaseline: TrainingBaseline | undefined;
  try {
    baseline = parseTrainingBaseline(stored, where);
    const storedPredictions: unknown = card.training?.predictionBaseline;
    if (storedPredictions !== undefined)
      predictionBaseline = parseTrainingBaseline(storedPredictions, `${where} (prediction baseline)`);
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
  const predictions: DriftPrediction[] = [];
  for (const output of outputs) {
    const described = predictionBaseline?.features;
    const prediction = described && Object.hasOwn(described, output) ? described[output] : undefined;
    if (prediction === undefined) continue;
    const { edges, proportions } = prediction;
    predictions.push({ output, edges, proportions, continuous: edges.length + 1 >= minContinuousBins });
  }
  if (features.length === 0)
    return { kind: 'none', reason: "The training baseline describes none of the job's feature columns." };
  const retrainOnBreach = card.drift?.retrainOnBreach === true;
  return { kind: 'baseline', threshold: driftThresholdOf(card), features, predictions, retrainOnBreach };
}

/** The card's `drift` thresholds, each defaulted. */
export function driftThresholdOf(card: Pick<ModelCard, 'drift'> | undefined): DriftThreshold {
  return {
    psiWarning: card?.drift?.psiWarning ?? defaultDriftThreshold.psiWarning,
    psiBreach: card?.drift?.psiBreach ?? defaultDriftThreshold.psiBreach,
  };
}
