import { odata, type TableClient } from '@azure/data-tables';
import type { StorageClients } from '../storage/StorageClients';

export type JobStatus =
  'Queued' | 'Running' | 'Committing' | 'Succeeded' | 'PartiallySucceeded' | 'Failed' | 'Canceled';
export const finishedJobStatuses: readonly JobStatus[] = [
  'Succeeded',
  'PartiallySucceeded',
  'Failed',
  'Canceled',
];

/** One row of the `jobs` table. */
export interface JobRecord {
  jobId: string;
  status: JobStatus;
  source: 'http' | 'blob';
  createdTime: string;
  startedTime?: string;
  completedTime?: string;
  /** Why it failed or only partly succeeded, in words a person can act on. */
  reason?: string;
  model?: string;
  modelVersion?: string;
  input: string;
  output?: string;
  manifest?: string;
  partitions?: number;
  partitionsDone?: number;
  partitionsFailed?: number;
  totalRows?: number;
  scoredRows?: number;
  badRows?: number;
  /** Input drift against the model's training baseline (see the manifest's `drift`). */
  driftStatus?: 'none' | 'ok' | 'warning' | 'breach';
}

/** One row of the `jobPartitions` table. */
export interface PartitionRecord {
  jobId: string;
  index: number;
  status: 'Running' | 'Succeeded' | 'Failed';
  firstRow: number;
  rows: number;
  badRows?: number;
  attempt?: number;
  /** When its last attempt started and when it ended: a job's timeline. */
  startedTime?: string;
  completedTime?: string;
  durationMs?: number;
  error?: string;
}

const jobsPartitionKey = 'jobs';

/** The `jobs` and `jobPartitions` tables: what each job and partition is doing, updated as it runs. */
export class JobStore {
  constructor(private readonly storage: StorageClients) {}

  async get(jobId: string): Promise<JobRecord | undefined> {
    try {
      return fromEntity<JobRecord>(await (await this.#jobs()).getEntity(jobsPartitionKey, jobId));
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return undefined;
      throw error;
    }
  }

  /** Creates the job row unless it exists; returns whether it was created. */
  async create(job: JobRecord): Promise<boolean> {
    try {
      await (await this.#jobs()).createEntity(toEntity(jobsPartitionKey, job.jobId, job));
      return true;
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 409) return false;
      throw error;
    }
  }

  /** Merges fields into the job row. */
  async update(jobId: string, fields: Partial<JobRecord>): Promise<void> {
    await (await this.#jobs()).upsertEntity(toEntity(jobsPartitionKey, jobId, { ...fields, jobId }), 'Merge');
  }

  /**
   * Merges fields into the job row only while its status is one of `from`, checked and written under the
   * row's ETag, so two racing transitions (a cancel and the commit) cannot both win. Returns the status
   * the row had: the transition happened when it is one of `from`.
   */
  async transition(
    jobId: string,
    from: readonly JobStatus[],
    fields: Partial<JobRecord>,
  ): Promise<JobStatus | undefined> {
    const table = await this.#jobs();
    for (;;) {
      let current: Record<string, unknown> & { etag?: string };
      try {
        current = await table.getEntity(jobsPartitionKey, jobId);
      } catch (error) {
        if ((error as { statusCode?: number }).statusCode === 404) return undefined;
        throw error;
      }
      const status = current.status as JobStatus;
      if (!from.includes(status)) return status;
      try {
        await table.updateEntity(toEntity(jobsPartitionKey, jobId, { ...fields, jobId }), 'Merge', {
          etag: current.etag,
        });
        return status;
      } catch (error) {
        // Changed since it was read: look again.
        if ((error as { statusCode?: number }).statusCode !== 412) throw error;
      }
    }
  }

  async list(options: { status?: JobStatus[]; top?: number } = {}): Promise<JobRecord[]> {
    const filters = [odata`PartitionKey eq ${jobsPartitionKey}`];
    if (options.status?.length)
      filters.push('(' + options.status.map((status) => odata`status eq ${status}`).join(' or ') + ')');
    const jobs: JobRecord[] = [];
    const top = options.top ?? 50;
    for await (const entity of (await this.#jobs()).listEntities({
      queryOptions: { filter: filters.join(' and ') },
    })) {
      jobs.push(fromEntity<JobRecord>(entity));
    }
    return jobs.sort((a, b) => b.createdTime.localeCompare(a.createdTime)).slice(0, top);
  }

  /**
   * The finished jobs of a model that completed at or after `since` (ISO time), in no order: one query
   * of the jobs partition filtered by the service.
   */
  async completedFor(model: string, since: string): Promise<JobRecord[]> {
    const filter = odata`PartitionKey eq ${jobsPartitionKey} and model eq ${model} and completedTime ge ${since}`;
    const jobs: JobRecord[] = [];
    for await (const entity of (await this.#jobs()).listEntities({ queryOptions: { filter } }))
      jobs.push(fromEntity<JobRecord>(entity));
    return jobs;
  }

  async savePartition(partition: PartitionRecord): Promise<void> {
    const rowKey = String(partition.index).padStart(6, '0');
    await (await this.#partitions()).upsertEntity(toEntity(partition.jobId, rowKey, partition), 'Merge');
  }

  async partitions(jobId: string): Promise<PartitionRecord[]> {
    const rows: PartitionRecord[] = [];
    const filter = odata`PartitionKey eq ${jobId}`;
    for await (const entity of (await this.#partitions()).listEntities({ queryOptions: { filter } })) {
      rows.push(fromEntity<PartitionRecord>(entity));
    }
    return rows.sort((a, b) => a.index - b.index);
  }

  #jobs(): Promise<TableClient> {
    return this.storage.table('jobs');
  }

  #partitions(): Promise<TableClient> {
    return this.storage.table('jobPartitions');
  }
}

// A table property holds at most 64 KiB (32K UTF-16 characters); a reason quoting a 10 MB header
// line would make the row unwritable and leave the job Running for ever.
const maxTextLength = 4000;

function toEntity(partitionKey: string, rowKey: string, fields: object) {
  const entity: Record<string, unknown> = { partitionKey, rowKey };
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) entity[key] = bounded(value);
  return entity as { partitionKey: string; rowKey: string };
}

function fromEntity<T>(entity: Record<string, unknown>): T {
  const record: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(entity)) {
    if (!['partitionKey', 'rowKey', 'etag', 'timestamp', 'odata.metadata'].includes(key)) record[key] = value;
  }
  return record as T;
}

function bounded(value: unknown): unknown {
  if (typeof value !== 'string' || value.length <= maxTextLength) return value;
  return `${value.slice(0, maxTextLength)}... (${value.length - maxTextLength} more characters)`;
}
