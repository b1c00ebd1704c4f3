import type { JobPlan } from './jobContracts';

/** Where a job's output goes: `<prefix>/predictions.<ext>`, `_errors.jsonl`, `_manifest.json`. */
export function outputNames(plan: Pick<JobPlan, 'output'>, extension: string) {
  const prefix = plan.output.prefix.replace(/\/+$/, '');
  return {
    predictions: `${prefix}/predictions.${extension}`,
    /** Parquet: one file per partition, in input order by name. */
    predictionPart: (index: number) =>
      `${prefix}/predictions/part-${String(index).padStart(5, '0')}.${extension}`,
    errors: `${prefix}/_errors.jsonl`,
    manifest: `${prefix}/_manifest.json`,
  };
}

/** The block id of partition `index`: fixed-width, so re-staging a partition replaces its block. */
export function blockIdOf(index: number): string {
  return Buffer.from(`partition-${String(index).padStart(8, '0')}`).toString('base64');
}
