import { appMetrics } from '../../telemetry';
import type { BreachResponse, DriftBreachHandler } from './DriftBreachHandler';
import type { DriftRecord, DriftStore } from './DriftStore';
import { breachesOf } from './summarizeDrift';

export interface RecordDriftOptions {
  readonly store: DriftStore;
  /** The card's `drift.retrainOnBreach`: call `onBreach` when the record breaches. */
  readonly retrainOnBreach: boolean;
  readonly onBreach?: DriftBreachHandler;
}

/**
 * Records a measured job or window: its rows in the `drift` table, its PSI per feature and output as
 * the `drift.psi` histogram, and, on a breach, the `drift.breaches` counter and (where the card asks for
 * it) the breach handler's retrain. Returns what the handler did, if it was called.
 */
export async function recordDrift(
  record: DriftRecord,
  options: RecordDriftOptions,
): Promise<BreachResponse | undefined> {
  await options.store.save(record);
  const { report, model, modelVersion, source, id, completedTime } = record;
  if (!('threshold' in report)) return undefined;
  const { driftPsi: psi, driftBreaches } = appMetrics();
  const version = modelVersion === undefined ? {} : { 'model.version': modelVersion };
  for (const feature of report.features)
    psi.record(feature.psi, { model, ...version, feature: feature.name, kind: 'input' });
  for (const output of report.predictions)
    psi.record(output.psi, { model, ...version, feature: output.name, kind: 'prediction' });
  if (report.status !== 'breach') return undefined;
  driftBreaches.add(1, { model, source });
  if (!options.retrainOnBreach || options.onBreach === undefined) return undefined;
  const breached = breachesOf(report);
  try {
    return await options.onBreach({ source, id, model, modelVersion, completedTime, breached });
  } catch (error) {
    // The job's outcome stands; the breach is recorded, and the error says why no retrain started.
    return { error: error instanceof Error ? error.message : String(error) };
  }
}
