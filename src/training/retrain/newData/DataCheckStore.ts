import { odata, type TableClient } from '@azure/data-tables';
import type { StorageClients } from '../../../storage/StorageClients';
import type { DataCheck } from '../../checkTrainingData';
import type { TrainingRunStore } from '../TrainingRunStore';

/** One check of new data: a data check of the set, or a problem of one file (which it names). */
export type NewDataCheck = Omit<DataCheck, 'check'> & {
  readonly check: DataCheck['check'] | 'source';
  /** `container/path` of the file the check is about, when it is about one file. */
  readonly file?: string;
};

/** The report of one burst's data check (`<runs container>/<model>/data-checks/<checkId>.json`). */
export interface NewDataCheckReport {
  readonly checkId: string;
  readonly model: string;
  readonly status: 'Passed' | 'Failed';
  /** What was decided: the run started, or why none was. */
  readonly decision: string;
  readonly checkedAt: string;
  /** `container/path` of each blob of the burst. */
  readonly blobs: readonly string[];
  /** The declared source and what was read from it (absent when it could not be read). */
  readonly data?: {
    readonly reference: string;
    readonly files: number;
    readonly sha256: string;
    readonly rows: number;
  };
  readonly checks: readonly NewDataCheck[];
  /** The run started when the check passed (its id is the check's). */
  readonly runId?: string;
}

/** A row of the data checks table: the report in brief. */
export interface NewDataCheckRecord {
  readonly checkId: string;
  readonly model: string;
  readonly status: NewDataCheckReport['status'];
  readonly decision: string;
  readonly checkedAt: string;
  readonly blobCount: number;
  readonly dataSha256?: string;
  readonly rows?: number;
  readonly runId?: string;
  readonly reportBlob: string;
}

// A table property holds at most 32K UTF-16 characters; the report blob keeps the whole text.
const maxDecisionLength = 4000;

/** The data checks of new training data: a table row per check, the full report in the runs container. */
export class DataCheckStore {
  constructor(
    private readonly storage: StorageClients,
    private readonly runs: TrainingRunStore,
    private readonly tableName: string,
  ) {}

  /** Writes the report blob, then its row (a retried step writes both again, the same). */
  async record(report: NewDataCheckReport): Promise<NewDataCheckRecord> {
    const path = `${report.model}/data-checks/${report.checkId}.json`;
    await this.runs.write(path, Buffer.from(`${JSON.stringify(report, null, 2)}\n`), 'application/json');
    const record: NewDataCheckRecord = {
      checkId: report.checkId,
      model: report.model,
      status: report.status,
      decision:
        report.decision.length > maxDecisionLength
          ? `${report.decision.slice(0, maxDecisionLength)}... (see the report)`
          : report.decision,
      checkedAt: report.checkedAt,
      blobCount: report.blobs.length,
      dataSha256: report.data?.sha256,
      rows: report.data?.rows,
      runId: report.runId,
      reportBlob: `${this.runs.container}/${path}`,
    };
    const entity: Record<string, unknown> = { partitionKey: report.model, rowKey: report.checkId };
    for (const [key, value] of Object.entries(record)) if (value !== undefined) entity[key] = value;
    await (await this.#table()).upsertEntity(entity as { partitionKey: string; rowKey: string }, 'Replace');
    return record;
  }

  /** A model's checks, newest first. */
  async list(model: string, top = 50): Promise<NewDataCheckRecord[]> {
    const records: NewDataCheckRecord[] = [];
    const filter = odata`PartitionKey eq ${model}`;
    for await (const entity of (await this.#table()).listEntities({ queryOptions: { filter } }))
      records.push(fromEntity(entity));
    return records.sort((a, b) => b.checkedAt.localeCompare(a.checkedAt)).slice(0, top);
  }

  async get(model: string, checkId: string): Promise<NewDataCheckRecord | undefined> {
    try {
      return fromEntity(await (await this.#table()).getEntity(model, checkId));
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return undefined;
      throw error;
    }
  }

  async report(model: string, checkId: string): Promise<NewDataCheckReport | undefined> {
    const bytes = await this.runs.read(`${model}/data-checks/${checkId}.json`).catch((error: unknown) => {
      if ((error as { statusCode?: number }).statusCode === 404) return undefined;
      throw error;
    });
    return bytes === undefined ? undefined : (JSON.parse(bytes.toString('utf8')) as NewDataCheckReport);
  }

  #table(): Promise<TableClient> {
    return this.storage.table(this.tableName);
  }
}

function fromEntity(entity: Record<string, unknown>): NewDataCheckRecord {
  const record: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(entity)) {
    if (!['partitionKey', 'rowKey', 'etag', 'timestamp', 'odata.metadata'].includes(key)) record[key] = value;
  }
  return record as unknown as NewDataCheckRecord;
}
