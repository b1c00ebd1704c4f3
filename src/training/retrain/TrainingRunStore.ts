import { odata, type TableClient } from '@azure/data-tables';
import type { StorageClients } from '../../storage/StorageClients';
import type { RetrainTrigger, RunReport, RunStatus } from './retrainContracts';
import { readBlob } from '../../storage/readBlob';

/** One row of the `trainingRuns` table: a run's state and, once it ends, its decision in brief. */
export interface TrainingRunRecord {
  runId: string;
  model: string;
  trigger: RetrainTrigger;
  status: RunStatus;
  startedAt: string;
  completedAt?: string;
  requestReason?: string;
  decision?: string;
  candidateVersion?: number;
  productionVersion?: number;
  metric?: string;
  candidateValue?: number;
  productionValue?: number;
  dataReference?: string;
  dataSha256?: string;
  /** For trigger `data`: the data check the run's blobs passed. */
  dataCheck?: string;
  /** `container/path` of the full JSON report. */
  reportBlob?: string;
}

export interface TrainingRunStoreOptions {
  readonly container: string;
  readonly table: string;
}

// A table property holds at most 32K UTF-16 characters; the report blob keeps the whole text.
const maxTextLength = 4000;

/** The `trainingRuns` table and the runs container (reports, data snapshots, staged candidates). */
export class TrainingRunStore {
  constructor(
    private readonly storage: StorageClients,
    private readonly options: TrainingRunStoreOptions,
  ) {}

  get container(): string {
    return this.options.container;
  }

  /** Creates the run's row as Running unless it exists (a redelivered first step changes nothing). */
  async start(record: Omit<TrainingRunRecord, 'status'>): Promise<void> {
    try {
      await (await this.#table()).createEntity(toEntity({ ...record, status: 'Running' }));
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 409) throw error;
    }
  }

  /** Writes the report blob, then the row's summary; returns the report's `container/path`. */
  async finish(report: RunReport & { completedAt: string }): Promise<string> {
    const path = `${report.model}/${report.runId}.json`;
    await this.write(path, Buffer.from(`${JSON.stringify(report, null, 2)}\n`), 'application/json');
    const metric = report.policy?.metric;
    const record: TrainingRunRecord = {
      runId: report.runId,
      model: report.model,
      trigger: report.trigger,
      status: report.status,
      startedAt: report.startedAt,
      completedAt: report.completedAt,
      requestReason: report.requestReason,
      decision: report.decision,
      candidateVersion: report.candidate?.version,
      productionVersion: report.productionVersion,
      metric,
      candidateValue: metric === undefined ? undefined : report.candidate?.metrics?.[metric],
      productionValue: metric === undefined ? undefined : report.production?.metrics?.[metric],
      dataReference: report.data?.reference,
      dataSha256: report.data?.sha256,
      dataCheck: report.newData?.check,
      reportBlob: `${this.options.container}/${path}`,
    };
    await (await this.#table()).upsertEntity(toEntity(record), 'Replace');
    return record.reportBlob ?? '';
  }

  async get(model: string, runId: string): Promise<TrainingRunRecord | undefined> {
    try {
      return fromEntity(await (await this.#table()).getEntity(model, runId));
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return undefined;
      throw error;
    }
  }

  /** A model's runs, newest first. */
  async list(model: string, top = 50): Promise<TrainingRunRecord[]> {
    const runs: TrainingRunRecord[] = [];
    const filter = odata`PartitionKey eq ${model}`;
    for await (const entity of (await this.#table()).listEntities({ queryOptions: { filter } }))
      runs.push(fromEntity(entity));
    return runs.sort((a, b) => b.startedAt.localeCompare(a.startedAt)).slice(0, top);
  }

  /** The run's full report, once it has ended. */
  async report(model: string, runId: string): Promise<RunReport | undefined> {
    const bytes = await this.read(`${model}/${runId}.json`).catch((error: unknown) => {
      if ((error as { statusCode?: number }).statusCode === 404) return undefined;
      throw error;
    });
    return bytes === undefined ? undefined : (JSON.parse(bytes.toString('utf8')) as RunReport);
  }

  /** Writes (or overwrites with the same content, on a retried step) a blob of the runs container. */
  async write(path: string, bytes: Buffer, contentType = 'application/octet-stream'): Promise<void> {
    const container = await this.storage.ensureContainer(this.options.container);
    await container
      .getBlockBlobClient(path)
      .uploadData(bytes, { blobHTTPHeaders: { blobContentType: contentType } });
  }

  async read(path: string): Promise<Buffer> {
    return (await readBlob(this.storage.container(this.options.container).getBlobClient(path))).bytes;
  }

  #table(): Promise<TableClient> {
    return this.storage.table(this.options.table);
  }
}

function toEntity(record: TrainingRunRecord) {
  const entity: Record<string, unknown> = { partitionKey: record.model, rowKey: record.runId };
  for (const [key, value] of Object.entries(record)) {
    if (value === undefined) continue;
    entity[key] =
      typeof value === 'string' && value.length > maxTextLength
        ? `${value.slice(0, maxTextLength)}... (see the report)`
        : value;
  }
  return entity as { partitionKey: string; rowKey: string };
}

function fromEntity(entity: Record<string, unknown>): TrainingRunRecord {
  const record: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(entity)) {
    if (!['partitionKey', 'rowKey', 'etag', 'timestamp', 'odata.metadata'].includes(key)) record[key] = value;
  }
  return record as unknown as TrainingRunRecord;
}
