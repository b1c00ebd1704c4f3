import type { JobRecord, JobStatus } from '../../jobs/JobStore';
import { scoredByColumn, type KeyedScoringPlan } from '../../manyModels/scoring/keyedModels';
import type { JobPlan, PartitionResult } from '../jobContracts';
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
}

/** `_manifest.json`: what was scored with which model, row counts, partitions, timings and errors. */
export function buildManifest(input: ManifestInput) {
  const { plan, results, names, job } = input;
  const sum = (pick: (result: PartitionResult) => number) =>
    results.reduce((total, result) => total + pick(result), 0);
  return {
    jobId: plan.jobId,
    status: input.status,
    reason: input.reason,
    model: plan.keyed ? keyedModelSummary(plan.keyed, plan.output.container) : plan.model,
    input: plan.input,
    output: {
      container: plan.output.container,
      format: plan.output.format,
      predictions: plan.output.summaryOnly ? undefined : names.predictions,
      passThroughColumns: plan.keyed
        ? [...plan.keyed.passThrough, scoredByColumn]
        : plan.schema.passThroughColumns,
      featureColumns: plan.keyed ? undefined : plan.schema.featureColumns,
      outputs: plan.mapping.outputs,
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
    timings: { created: job?.createdTime, started: job?.startedTime, completed: input.completedTime },
    notes: plan.notes,
  };
}

/** A keyed job's models: the name, key columns, how many keys had a version, and where each key's version is listed. */
function keyedModelSummary(keyed: KeyedScoringPlan, container: string) {
  return {
    name: keyed.name,
    partitionBy: keyed.partitionBy,
    stage: keyed.stage,
    upToVersion: keyed.upToVersion,
    keys: keyed.keys,
    versions: `${container}/${keyed.modelsBlob}`,
    fallback: keyed.fallback.kind === 'model' ? { model: keyed.fallback.model } : 'error',
  };
}
