import { odata, type TableClient, type TableEntityResult } from '@azure/data-tables';
import type { LargePayloads } from './LargePayloads';
import type { RuntimeStatus } from './RuntimeStatus';
import { hasStatus } from '../../storage/storageErrors';

/** One row of `<hub>Instances`: the instance's current status and the length of its committed history. */
export interface InstanceRecord {
  instanceId: string;
  name: string;
  version?: string;
  executionId: string;
  runtimeStatus: RuntimeStatus;
  /** JSON text. */
  input?: string;
  output?: string;
  customStatus?: string;
  createdTime: string;
  lastUpdatedTime: string;
  completedTime?: string;
  parentInstanceId?: string;
  /** Committed events of the current execution's history; rows past it are uncommitted leftovers. */
  historyLength: number;
  /** Set when the instance was stopped from outside, so a running episode's commit does not resurrect it. */
  etag?: string;
}

export interface InstanceQuery {
  runtimeStatus?: RuntimeStatus[];
  createdTimeFrom?: string;
  createdTimeTo?: string;
  instanceIdPrefix?: string;
  top?: number;
  continuationToken?: string;
  /** Leave out entities (`@name@key` rows). */
  excludeEntities?: boolean;
}

export class ConcurrencyConflictError extends Error {
  override name = 'ConcurrencyConflictError';
}

const payloadFields = ['input', 'output', 'customStatus'] as const;

/** Reads and writes `<hub>Instances` with ETag checks; large payloads live in blobs. */
export class InstanceStore {
  constructor(
    private readonly table: TableClient,
    private readonly payloads: LargePayloads,
  ) {}

  async read(instanceId: string): Promise<InstanceRecord | undefined> {
    try {
      return await this.#fromEntity(await this.table.getEntity(instanceId, ''));
    } catch (error) {
      if (hasStatus(error, 404)) return undefined;
      throw error;
    }
  }

  /** Inserts a new row; `etag` undefined means "must not exist". Returns the new ETag. */
  async create(record: InstanceRecord): Promise<string> {
    try {
      const result = await this.table.createEntity(await this.#toEntity(record));
      return result.etag ?? '';
    } catch (error) {
      if (hasStatus(error, 409)) {
        throw new ConcurrencyConflictError(`Instance ${record.instanceId} already exists.`);
      }
      throw error;
    }
  }

  /** Replaces the row if its ETag still matches; throws ConcurrencyConflictError otherwise. */
  async update(record: InstanceRecord): Promise<string> {
    try {
      const result = await this.table.updateEntity(await this.#toEntity(record), 'Replace', {
        etag: record.etag ?? '*',
      });
      return result.etag ?? '';
    } catch (error) {
      const status = (error as { statusCode?: number }).statusCode;
      if (status === 412 || status === 404) {
        throw new ConcurrencyConflictError(
          `Instance ${record.instanceId} changed while it was being updated.`,
        );
      }
      throw error;
    }
  }

  async delete(instanceId: string): Promise<boolean> {
    try {
      await this.table.deleteEntity(instanceId, '');
      return true;
    } catch (error) {
      if (hasStatus(error, 404)) return false;
      throw error;
    }
  }

  /** One page of instances matching the query, plus a token for the next page. */
  async query(query: InstanceQuery): Promise<{ instances: InstanceRecord[]; continuationToken?: string }> {
    const filters: string[] = [];
    if (query.runtimeStatus?.length) {
      filters.push(
        '(' + query.runtimeStatus.map((status) => odata`RuntimeStatus eq ${status}`).join(' or ') + ')',
      );
    }
    if (query.createdTimeFrom) filters.push(odata`CreatedTime ge ${query.createdTimeFrom}`);
    if (query.createdTimeTo) filters.push(odata`CreatedTime le ${query.createdTimeTo}`);
    // Entity ids start with '@' (0x40), so they are exactly the keys from '@' up to 'A' (0x41).
    if (query.excludeEntities) filters.push(`(PartitionKey lt '@' or PartitionKey ge 'A')`);
    if (query.instanceIdPrefix) {
      filters.push(odata`PartitionKey ge ${query.instanceIdPrefix}`);
      filters.push(odata`PartitionKey lt ${query.instanceIdPrefix + '\uffff'}`);
    }
    const pages = this.table
      .listEntities({ queryOptions: { filter: filters.join(' and ') || undefined } })
      .byPage({ maxPageSize: query.top ?? 100, continuationToken: query.continuationToken });
    const page = await pages.next();
    if (page.done) return { instances: [] };
    const rows = page.value as TableEntityResult<Record<string, unknown>>[] & { continuationToken?: string };
    return {
      instances: await Promise.all(rows.map((row) => this.#fromEntity(row))),
      continuationToken: rows.continuationToken,
    };
  }

  async #toEntity(record: InstanceRecord) {
    const entity: Record<string, unknown> = {
      partitionKey: record.instanceId,
      rowKey: '',
      Name: record.name,
      Version: record.version ?? '',
      ExecutionId: record.executionId,
      RuntimeStatus: record.runtimeStatus,
      CreatedTime: record.createdTime,
      LastUpdatedTime: record.lastUpdatedTime,
      CompletedTime: record.completedTime ?? '',
      ParentInstanceId: record.parentInstanceId ?? '',
      HistoryLength: record.historyLength,
    };
    for (const field of payloadFields) {
      const column = field[0]!.toUpperCase() + field.slice(1);
      const stored = await this.payloads.store(
        record[field],
        `${record.instanceId}/${record.executionId}/${field}.json`,
      );
      entity[column] = stored.inline;
      entity[`${column}BlobName`] = stored.blobName ?? '';
    }
    return entity as { partitionKey: string; rowKey: string };
  }

  async #fromEntity(entity: TableEntityResult<Record<string, unknown>>): Promise<InstanceRecord> {
    const text = (name: string) => {
      const value = entity[name];
      return typeof value === 'string' && value !== '' ? value : undefined;
    };
    return {
      instanceId: entity.partitionKey ?? '',
      name: text('Name') ?? '',
      version: text('Version'),
      executionId: text('ExecutionId') ?? '',
      runtimeStatus: (text('RuntimeStatus') ?? 'Pending') as RuntimeStatus,
      input: await this.payloads.load(entity.Input, entity.InputBlobName),
      output: await this.payloads.load(entity.Output, entity.OutputBlobName),
      customStatus: await this.payloads.load(entity.CustomStatus, entity.CustomStatusBlobName),
      createdTime: text('CreatedTime') ?? '',
      lastUpdatedTime: text('LastUpdatedTime') ?? '',
      completedTime: text('CompletedTime'),
      parentInstanceId: text('ParentInstanceId'),
      historyLength: Number(entity.HistoryLength ?? 0),
      etag: entity.etag,
    };
  }
}
