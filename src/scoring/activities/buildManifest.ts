import type { BreachResponse } from '../../runtime/drift/DriftBreachHandler';
import type { DriftReport } from '../../runtime/drift/summarizeDrift';
import type { JobRecord, JobStatus } from '../JobStore';
import type { JobPlan, PartitionResult } from '../jobContracts';
import type { ModelStrategy } from '../ModelStrategy';
import type { outputNames } from '../outputNames';

interface ManifestInput {
  plan: JobPlan;
  results: readonly PartitionResult[];
  status: JobStatus;
  reason?: string;
  names: ReturnType<typeof outputNames>;
  errorsWritten: boolean;
  job?: JobRecord;
  completedTime: string;
  /** The job's model strategy: it describes the model(s) for the manifest. */
  strategy: ModelStrategy;
  /**
   * Input and prediction drift against the version's baselines, when the job measures it, with the
   * retrain a breach started (`retrain`), if any.
   */
  drift?: DriftReport & { readonly retrain?: BreachResponse };
}

/** `_manifest.json`: what was scored with which model, row counts, partitions, timings and errors. */
export function buildManifest(input: ManifestInput) {
  const { plan, results, names, job } = input;
  const described = input.strategy.describe(plan);
  const sum = (pick: (result: PartitionResult) => number) =>
    results.reduce((total, result) => total + pick(result), 0);
  return {
    jobId: plan.jobId,
    status: input.status,
    reason: input.reason,
    model: described.model,
    input: plan.input,
    output: {
      container: plan.output.container,
      format: plan.output.format,
      predictions: plan.output.summaryOnly ? undefined : names.predictions,
      passThroughColumns: plan.model.outputColumns,
      featureColumns: described.featureColumns,
      outputs: plan.model.outputs,
    },
    rows: {
      total: sum((result) => result.rows),
      scored: sum((result) => result.scoredRows),
      bad: sum((result) => result.badRows),
    },
    errors: input.errorsWritten ? names.errors : undefined,
    partitions: results.map((result) => ({
      index: result.index,
      firstRow: result.firstRow,
      rows: result.rows,
      scoredRows: result.scoredRows,
      badRows: result.badRows,
      attempts: result.attempts,
      durationMs: result.durationMs,
      failure: result.failure,
    })),
    drift: input.drift,
    timings: { created: job?.createdTime, started: job?.startedTime, completed: input.completedTime },
    notes: plan.model.notes,
  };
}
