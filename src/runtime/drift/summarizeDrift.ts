import { addBinCounts } from './binCounts';
import { binnedKolmogorovSmirnov, populationStabilityIndex } from './driftStatistics';
import type { DriftPlan, DriftThreshold } from './planDrift';

export type FeatureDriftStatus = 'ok' | 'warning' | 'breach';

/** The job row's (or window row's) `driftStatus`: `none` when nothing was measured. */
export type JobDriftStatus = FeatureDriftStatus | 'none';

export interface FeatureDrift {
  readonly name: string;
  readonly psi: number;
  /** Continuous features only (see binnedKolmogorovSmirnov). */
  readonly ks?: number;
  readonly status: FeatureDriftStatus;
}

/** The manifest's `drift` section. */
export type DriftReport =
  | {
      readonly status: FeatureDriftStatus;
      readonly threshold: DriftThreshold;
      /** Rows counted: the scored rows of the partitions that succeeded. */
      readonly rows: number;
      readonly features: readonly FeatureDrift[];
      /** The scored outputs against the version's holdout predictions (`name` is the output's). */
      readonly predictions: readonly FeatureDrift[];
    }
  | { readonly status: 'no baseline' | 'no rows'; readonly reason: string; readonly features: readonly [] };

/** The bin counts one part of the scored rows brought (a partition, a window's batch). */
export interface DriftCounts {
  /** Per feature of the plan, in its order. */
  readonly binCounts?: readonly (readonly number[])[];
  /** Per prediction of the plan, in its order. */
  readonly predictionBinCounts?: readonly (readonly number[])[];
}

const severity: readonly FeatureDriftStatus[] = ['ok', 'warning', 'breach'];

/**
 * Merges the parts' bin counts and compares each feature and output with its baseline: PSI (status from
 * the thresholds) and, for continuous ones, KS. The status is the worst feature's or output's.
 */
export function summarizeDrift(plan: DriftPlan, parts: readonly DriftCounts[]): DriftReport {
  if (plan.kind === 'none') return { status: 'no baseline', reason: plan.reason, features: [] };
  const inputs: number[][] = [];
  const outputs: number[][] = [];
  for (const part of parts) {
    if (part.binCounts) addBinCounts(inputs, part.binCounts);
    if (part.predictionBinCounts) addBinCounts(outputs, part.predictionBinCounts);
  }
  const features = plan.features.map((feature, i) =>
    compare(feature.name, feature, inputs[i], plan.threshold),
  );
  const predictions = (plan.predictions ?? []).map((prediction, i) =>
    compare(prediction.output, prediction, outputs[i], plan.threshold),
  );
  const rows = Math.max(0, ...features.map((feature) => feature.rows));
  if (rows === 0) return { status: 'no rows', reason: 'No row was scored.', features: [] };
  const measured = [...features, ...predictions];
  const status = severity[Math.max(...measured.map((feature) => severity.indexOf(feature.status)))]!;
  return {
    status,
    threshold: plan.threshold,
    rows,
    features: features.map(({ rows: _rows, ...feature }) => feature),
    predictions: predictions.map(({ rows: _rows, ...prediction }) => prediction),
  };
}

function compare(
  name: string,
  baseline: { readonly proportions: readonly number[]; readonly continuous: boolean },
  counts: readonly number[] = [],
  threshold: DriftThreshold,
): FeatureDrift & { rows: number } {
  const rows = counts.reduce((sum, count) => sum + count, 0);
  const actual = baseline.proportions.map((_, bin) => (rows === 0 ? 0 : (counts[bin] ?? 0) / rows));
  const psi = populationStabilityIndex(baseline.proportions, actual);
  const ks = baseline.continuous ? binnedKolmogorovSmirnov(baseline.proportions, actual) : undefined;
  return { name, psi, ...(ks === undefined ? {} : { ks }), status: statusOf(psi, threshold), rows };
}

/** The job row's drift status for a report (or for a job with no drift plan, such as an image job). */
export function jobDriftStatusOf(report: DriftReport | undefined): JobDriftStatus {
  return report === undefined || report.status === 'no baseline' || report.status === 'no rows'
    ? 'none'
    : report.status;
}

/** The names of what breached in a report: features, then outputs as `prediction:<output>`. */
export function breachesOf(report: DriftReport): string[] {
  if (!('threshold' in report)) return [];
  return [
    ...report.features.filter((f) => f.status === 'breach').map((f) => f.name),
    ...report.predictions.filter((p) => p.status === 'breach').map((p) => `prediction:${p.name}`),
  ];
}

function statusOf(psi: number, threshold: DriftThreshold): FeatureDriftStatus {
  return psi >= threshold.psiBreach ? 'breach' : psi >= threshold.psiWarning ? 'warning' : 'ok';
}
