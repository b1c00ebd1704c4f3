import { odata } from '@azure/data-tables';
import type { StorageClients } from '../../storage/StorageClients';
import type { DriftReport } from './summarizeDrift';

/** What the `drift` table keeps of a measured job or stream window. */
export interface DriftRecord {
  /** `job`: `id` is the job id; `window`: `id` is `<stream>:<windowId>`. */
  readonly source: 'job' | 'window';
  readonly id: string;
  readonly model: string;
  readonly modelVersion?: number;
  readonly completedTime: string;
  readonly report: DriftReport;
}

/** The `drift` table's partition key of a record: the job id, or `window:<stream>:<windowId>`. */
export function driftPartitionOf(record: Pick<DriftRecord, 'source' | 'id'>): string {
  return record.source === 'job' ? record.id : `window:${record.id}`;
}

/**
 * The `drift` table: one partition per job (key the job id) or stream window (`window:<stream>:<id>`);
 * a head row (row key `job` or `window`: status, thresholds, rows), rows `feature:<name>` (psi, ks,
 * status) and rows `prediction:<output>` (the same for a model output), so a feature's drift over jobs
 * and windows can be read without manifests. Writing a record again (a re-run commit) replaces its rows.
 */
export class DriftStore {
  constructor(private readonly storage: StorageClients) {}

  async save(record: DriftRecord): Promise<void> {
    const table = await this.storage.table('drift');
    const { source, id, model, modelVersion, completedTime, report } = record;
    const partitionKey = driftPartitionOf(record);
    const common = {
      ...(source === 'job' ? { jobId: id } : { windowId: id }),
      model,
      modelVersion,
      completedTime,
    };
    const headRow = {
      partitionKey,
      rowKey: source,
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
    // Row keys may not hold / \ # ? or control characters; column and output names may.
    const featureRows = report.features.map((feature) => ({
      partitionKey,
      rowKey: `feature:${encodeURIComponent(feature.name)}`,
      ...common,
      feature: feature.name,
      psi: feature.psi,
      ks: feature.ks,
      status: feature.status,
    }));
    const predictionRows = ('predictions' in report ? report.predictions : []).map((prediction) => ({
      partitionKey,
      rowKey: `prediction:${encodeURIComponent(prediction.name)}`,
      ...common,
      output: prediction.name,
      psi: prediction.psi,
      ks: prediction.ks,
      status: prediction.status,
    }));
    const rows = [headRow, ...featureRows, ...predictionRows].map(withoutUndefined);
    // One partition: a transaction of up to 100 rows writes them all or none.
    for (let at = 0; at < rows.length; at += 100) {
      await table.submitTransaction(rows.slice(at, at + 100).map((row) => ['upsert', row, 'Replace']));
    }
  }

  /**
   * A record's rows by partition key (a job id, or see driftPartitionOf): the head row first, then its
   * features and predictions in the order of the row keys.
   */
  async rowsOf(partitionKey: string): Promise<Record<string, unknown>[]> {
    const table = await this.storage.table('drift');
    const rows: Record<string, unknown>[] = [];
    const filter = odata`PartitionKey eq ${partitionKey}`;
    for await (const entity of table.listEntities({ queryOptions: { filter } })) rows.push(entity);
    const isHead = (row: Record<string, unknown>) => row.rowKey === 'job' || row.rowKey === 'window';
    return rows.sort((a, b) => (isHead(a) ? -1 : isHead(b) ? 1 : 0));
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
