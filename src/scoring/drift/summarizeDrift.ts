import { addBinCounts } from '../../runtime/drift/binCounts';
import { binnedKolmogorovSmirnov, populationStabilityIndex } from '../../runtime/drift/driftStatistics';
import type { PartitionResult } from '../jobContracts';
import type { DriftPlan, DriftThreshold } from './planDrift';

export type FeatureDriftStatus = 'ok' | 'warning' | 'breach';

/** The job row's `driftStatus`: `none` when nothing was measured. */
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
    }
  | { readonly status: 'no baseline' | 'no rows'; readonly reason: string; readonly features: readonly [] };

const severity: readonly FeatureDriftStatus[] = ['ok', 'warning', 'breach'];

/**
 * Merges the partitions' bin counts and compares each feature with its baseline: PSI (status from the
 * thresholds) and, for continuous features, KS. The job's status is its worst feature's.
 */
export function summarizeDrift(plan: DriftPlan, results: readonly PartitionResult[]): DriftReport {
  if (plan.kind === 'none') return { status: 'no baseline', reason: plan.reason, features: [] };
  const total: number[][] = [];
  for (const result of results) if (result.binCounts) addBinCounts(total, result.binCounts);
  const features = plan.features.map((feature, i) => {
    const counts = total[i] ?? [];
    const rows = counts.reduce((sum, count) => sum + count, 0);
    const actual = feature.proportions.map((_, bin) => (rows === 0 ? 0 : (counts[bin] ?? 0) / rows));
    const psi = populationStabilityIndex(feature.proportions, actual);
    const ks = feature.continuous ? binnedKolmogorovSmirnov(feature.proportions, actual) : undefined;
    return { name: feature.name, psi, ks, status: statusOf(psi, plan.threshold), rows };
  });
  const rows = Math.max(0, ...features.map((feature) => feature.rows));
  if (rows === 0) return { status: 'no rows', reason: 'No row was scored.', features: [] };
  const status = severity[Math.max(...features.map((feature) => severity.indexOf(feature.status)))]!;
  return {
    status,
    threshold: plan.threshold,
    rows,
    features: features.map(({ rows: _rows, ...feature }) => feature),
  };
}

/** The job row's drift status for a report (or for a job with no drift plan, such as an image job). */
export function jobDriftStatusOf(report: DriftReport | undefined): JobDriftStatus {
  return report === undefined || report.status === 'no baseline' || report.status === 'no rows'
    ? 'none'
    : report.status;
}

function statusOf(psi: number, threshold: DriftThreshold): FeatureDriftStatus {
  return psi >= threshold.psiBreach ? 'breach' : psi >= threshold.psiWarning ? 'warning' : 'ok';
}
