import type { TableClient } from '@azure/data-tables';
import type { StorageClients } from '../../storage/StorageClients';

export type VideoJobStatus = 'Running' | 'Succeeded' | 'Failed' | 'Cancelled';
export const finishedVideoStatuses: readonly VideoJobStatus[] = ['Succeeded', 'Failed', 'Cancelled'];

/** One row of the `videoJobs` table. */
export interface VideoJobRecord {
  readonly jobId: string;
  readonly status: VideoJobStatus;
  readonly source: 'http' | 'blob';
  /** `container/blob` of the source video. */
  readonly input: string;
  /** The model as asked (`candy@production`); `modelVersion` once pinned. */
  readonly model: string;
  readonly modelVersion?: number;
  readonly createdTime: string;
  readonly completedTime?: string;
  readonly frames?: number;
  readonly fps?: string;
  readonly durationSeconds?: number;
  readonly output?: string;
  readonly manifest?: string;
  readonly reason?: string;
}

const partitionKey = 'videos';
const statusOf = (error: unknown) => (error as { statusCode?: number }).statusCode;

/** The videoJobs table: one row per video job, from its start to its end. */
export class VideoJobStore {
  constructor(
    private readonly storage: StorageClients,
    private readonly tableName = 'videoJobs',
  ) {}

  async get(jobId: string): Promise<VideoJobRecord | undefined> {
    try {
      return fromEntity(await (await this.#table()).getEntity(partitionKey, jobId));
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  /** Creates the row unless it exists; returns whether it was created. */
  async create(job: VideoJobRecord): Promise<boolean> {
    try {
      await (await this.#table()).createEntity({ partitionKey, rowKey: job.jobId, ...job });
      return true;
    } catch (error) {
      if (statusOf(error) === 409) return false;
      throw error;
    }
  }

  async update(jobId: string, fields: Partial<VideoJobRecord>): Promise<void> {
    const defined = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
    await (await this.#table()).upsertEntity({ partitionKey, rowKey: jobId, ...defined, jobId }, 'Merge');
  }

  /** The newest jobs first (ids are not time-ordered, so the page is sorted here). */
  async list(top: number): Promise<VideoJobRecord[]> {
    const rows: VideoJobRecord[] = [];
    for await (const entity of (await this.#table()).listEntities({
      queryOptions: { filter: `PartitionKey eq '${partitionKey}'` },
    }))
      rows.push(fromEntity(entity));
    return rows.sort((a, b) => b.createdTime.localeCompare(a.createdTime)).slice(0, top);
  }

  #table(): Promise<TableClient> {
    return this.storage.table(this.tableName);
  }
}

const tableFields = new Set(['partitionKey', 'rowKey', 'etag', 'timestamp', 'odata.metadata']);

function fromEntity(entity: Record<string, unknown>): VideoJobRecord {
  return Object.fromEntries(
    Object.entries(entity).filter(([key]) => !tableFields.has(key)),
  ) as unknown as VideoJobRecord;
}
