import { odata } from '@azure/data-tables';
import type { StorageClients } from '../../storage/StorageClients';
import type { DriftReport } from './summarizeDrift';

/** What the `drift` table keeps of a job: the job's row (row key `job`) and one row per feature. */
export interface JobDriftRecord {
  readonly jobId: string;
  readonly model: string;
  readonly modelVersion?: number;
  readonly completedTime: string;
  readonly report: DriftReport;
}

/**
 * The `drift` table: partition key the job id; row `job` (status, thresholds, rows) and rows
 * `feature:<name>` (psi, ks, status), so a feature's drift over jobs can be read without manifests.
 * Writing a job again (a re-run commit) replaces its rows.
 */
export class DriftStore {
  constructor(private readonly storage: StorageClients) {}

  async save(record: JobDriftRecord): Promise<void> {
    const table = await this.storage.table('drift');
    const { jobId, model, modelVersion, completedTime, report } = record;
    const common = { jobId, model, modelVersion, completedTime };
    const jobRow = {
      partitionKey: jobId,
      rowKey: 'job',
      ...common,
      status: report.status,
      ...('threshold' in report
        ? {
            psiWarning: report.threshold.psiWarning,
            psiBreach: report.threshold.psiBreach,
            rows: report.rows,
          }
        : { reason: report.reason }),
    };
    const featureRows = report.features.map((feature) => ({
      partitionKey: jobId,
      // Row keys may not hold / \ # ? or control characters; column names may.
      rowKey: `feature:${encodeURIComponent(feature.name)}`,
      ...common,
      feature: feature.name,
      psi: feature.psi,
      ks: feature.ks,
      status: feature.status,
    }));
    const rows = [jobRow, ...featureRows].map(withoutUndefined);
    // One partition: a transaction of up to 100 rows writes them all or none.
    for (let at = 0; at < rows.length; at += 100) {
      await table.submitTransaction(rows.slice(at, at + 100).map((row) => ['upsert', row, 'Replace']));
    }
  }

  /** A job's rows: the job's first, then its features in the order of the row keys. */
  async rowsOf(jobId: string): Promise<Record<string, unknown>[]> {
    const table = await this.storage.table('drift');
    const rows: Record<string, unknown>[] = [];
    const filter = odata`PartitionKey eq ${jobId}`;
    for await (const entity of table.listEntities({ queryOptions: { filter } })) rows.push(entity);
    return rows.sort((a, b) => (a.rowKey === 'job' ? -1 : b.rowKey === 'job' ? 1 : 0));
  }

  /** Every row of a model's records completed between `from` and `to` (ISO times, inclusive). */
  async rowsOfModel(
    model: string,
    range: { from?: string; to?: string },
  ): Promise<Record<string, unknown>[]> {
    const table = await this.storage.table('drift');
    const clauses = [odata`model eq ${model}`];
    if (range.from !== undefined) clauses.push(odata`completedTime ge ${range.from}`);
    if (range.to !== undefined) clauses.push(odata`completedTime le ${range.to}`);
    const rows: Record<string, unknown>[] = [];
    const filter = clauses.join(' and ');
    for await (const entity of table.listEntities({ queryOptions: { filter } })) rows.push(entity);
    return rows;
  }
}

function withoutUndefined<T extends { partitionKey: string; rowKey: string }>(row: T): T {
  return Object.fromEntries(Object.entries(row).filter(([, value]) => value !== undefined)) as T;
}
