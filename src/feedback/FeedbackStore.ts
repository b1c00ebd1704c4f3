import { odata, type TableClient } from '@azure/data-tables';
import type { StorageClients } from '../storage/StorageClients';
import type { MetricSums } from './liveMetrics';

export type FeedbackBatchStatus = 'Joining' | 'Joined' | 'Failed';

/** One row of the feedback batches table: one feedback file (or request) per model, keyed by its SHA-256. */
export interface FeedbackBatch {
  readonly model: string;
  readonly sha256: string;
  readonly status: FeedbackBatchStatus;
  /** `blob <container>/<name>` or `http`. */
  readonly source: string;
  /** When it was first received: its live metrics' time bucket, kept when it is delivered again. */
  readonly receivedTime: string;
  readonly completedTime?: string;
  readonly rows?: number;
  readonly joined?: number;
  readonly unjoined?: number;
  /** The first unjoined ids (at most 20), for the person who sent them. */
  readonly unjoinedIds?: readonly string[];
  /** Joined rows per model version. */
  readonly versions?: Readonly<Record<string, number>>;
  readonly jobsRead?: number;
  /** The joined rows' blob, `<model>/<sha256>.csv` in the joined-set container. */
  readonly joinedSet?: string;
  readonly reason?: string;
}

/** One row of the live metrics table: a batch's sums for one model version, in its hour. */
export interface LiveMetricRow extends MetricSums {
  readonly model: string;
  readonly version: number;
  /** The hour the batch was received, `YYYY-MM-DDTHH:00:00.000Z`. */
  readonly bucket: string;
  readonly batch: string;
}

/**
 * The feedback feature's storage: batches and live metric sums in two tables (one partition per model),
 * and each batch's joined rows in a blob of the app's own container (retraining reads them from there).
 */
export class FeedbackStore {
  constructor(
    private readonly storage: StorageClients,
    private readonly names: { batches: string; liveMetrics: string; container: string },
  ) {}

  get container(): string {
    return this.names.container;
  }

  /**
   * Records a batch as Joining unless it is known; returns the row as it now is (a known batch's row
   * keeps its first receivedTime, so a re-delivery lands in the same bucket).
   */
  async claim(batch: FeedbackBatch): Promise<{ batch: FeedbackBatch; created: boolean }> {
    const table = await this.#batches();
    try {
      await table.createEntity(entityOf(batch));
      return { batch, created: true };
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 409) throw error;
    }
    return { batch: (await this.batch(batch.model, batch.sha256))!, created: false };
  }

  async batch(model: string, sha256: string): Promise<FeedbackBatch | undefined> {
    try {
      return batchOf(await (await this.#batches()).getEntity(model, sha256));
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return undefined;
      throw error;
    }
  }

  async finish(batch: FeedbackBatch): Promise<void> {
    await (await this.#batches()).upsertEntity(entityOf(batch), 'Replace');
  }

  /** A model's batches, oldest first. */
  async batches(model: string): Promise<FeedbackBatch[]> {
    const rows: FeedbackBatch[] = [];
    const filter = odata`PartitionKey eq ${model}`;
    for await (const entity of (await this.#batches()).listEntities({ queryOptions: { filter } }))
      rows.push(batchOf(entity));
    return rows.sort(
      (a, b) => a.receivedTime.localeCompare(b.receivedTime) || a.sha256.localeCompare(b.sha256),
    );
  }

  /** Writes (or writes again, the same) a batch's sums: keyed by bucket, version and batch. */
  async saveMetrics(rows: readonly LiveMetricRow[]): Promise<void> {
    const table = await this.#liveMetrics();
    for (const row of rows) {
      const rowKey = `${row.bucket}|${String(row.version).padStart(8, '0')}|${row.batch}`;
      await table.upsertEntity({ partitionKey: row.model, rowKey, ...row }, 'Replace');
    }
  }

  /** A model's live metric rows, optionally from a time on. */
  async metrics(model: string, since?: string): Promise<LiveMetricRow[]> {
    const rows: LiveMetricRow[] = [];
    const filter =
      since === undefined
        ? odata`PartitionKey eq ${model}`
        : odata`PartitionKey eq ${model} and RowKey ge ${since}`;
    for await (const entity of (await this.#liveMetrics()).listEntities<LiveMetricRow>({
      queryOptions: { filter },
    })) {
      const {
        model: name,
        version,
        bucket,
        batch,
        n,
        sumLabel,
        sumLabelSquared,
        sumSquaredError,
        correct,
      } = entity;
      rows.push({
        model: name,
        version,
        bucket,
        batch,
        n,
        sumLabel,
        sumLabelSquared,
        sumSquaredError,
        correct,
      });
    }
    return rows;
  }

  async writeJoinedSet(name: string, text: string): Promise<void> {
    const container = await this.storage.ensureContainer(this.names.container);
    await container
      .getBlockBlobClient(name)
      .upload(text, Buffer.byteLength(text), { blobHTTPHeaders: { blobContentType: 'text/csv' } });
  }

  async readJoinedSet(name: string): Promise<Buffer> {
    return this.storage.container(this.names.container).getBlobClient(name).downloadToBuffer();
  }

  #batches(): Promise<TableClient> {
    return this.storage.table(this.names.batches);
  }

  #liveMetrics(): Promise<TableClient> {
    return this.storage.table(this.names.liveMetrics);
  }
}

// Lists and maps travel as JSON text: table properties are scalars.
function entityOf(batch: FeedbackBatch) {
  const { unjoinedIds, versions, ...rest } = batch;
  const entity: Record<string, unknown> = { partitionKey: batch.model, rowKey: batch.sha256 };
  for (const [key, value] of Object.entries(rest)) if (value !== undefined) entity[key] = value;
  if (unjoinedIds) entity.unjoinedIds = JSON.stringify(unjoinedIds);
  if (versions) entity.versions = JSON.stringify(versions);
  if (typeof entity.reason === 'string') entity.reason = entity.reason.slice(0, 4000);
  return entity as { partitionKey: string; rowKey: string };
}

function batchOf(entity: Record<string, unknown>): FeedbackBatch {
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(entity))
    if (!['partitionKey', 'rowKey', 'etag', 'timestamp', 'odata.metadata'].includes(key)) fields[key] = value;
  if (typeof fields.unjoinedIds === 'string') fields.unjoinedIds = JSON.parse(fields.unjoinedIds);
  if (typeof fields.versions === 'string') fields.versions = JSON.parse(fields.versions);
  return fields as unknown as FeedbackBatch;
}
