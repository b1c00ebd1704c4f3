import { odata, type TableClient, type TableTransaction } from '@azure/data-tables';
import type { HistoryEvent } from '../history/HistoryEvent';
import type { LargePayloads } from './LargePayloads';

const payloadFields = ['Input', 'Result', 'Details'] as const;
const batchLimit = 100;

/**
 * `<hub>History`: one row per event, PartitionKey = instance id, RowKey = zero-padded position. Only the
 * first `historyLength` rows (from the instance row) are committed; later rows are leftovers of an
 * episode that crashed before its commit and get overwritten.
 */
export class HistoryStore {
  constructor(
    private readonly table: TableClient,
    private readonly payloads: LargePayloads,
  ) {}

  async read(instanceId: string, length: number): Promise<HistoryEvent[]> {
    if (length === 0) return [];
    const events: HistoryEvent[] = [];
    const filter = odata`PartitionKey eq ${instanceId} and RowKey lt ${rowKey(length)}`;
    for await (const entity of this.table.listEntities<Record<string, unknown>>({
      queryOptions: { filter },
    })) {
      events.push(await this.#fromEntity(entity));
    }
    if (events.length !== length) {
      throw new Error(`History of ${instanceId} has ${events.length} committed rows, expected ${length}.`);
    }
    return events;
  }

  /** Upserts events at positions start.. (idempotent, so a retried episode overwrites its leftovers). */
  async write(
    instanceId: string,
    executionId: string,
    start: number,
    events: readonly HistoryEvent[],
  ): Promise<void> {
    const entities = await Promise.all(
      events.map((event, offset) => this.#toEntity(instanceId, executionId, start + offset, event)),
    );
    const batches: Promise<unknown>[] = [];
    for (let index = 0; index < entities.length; index += batchLimit) {
      const actions = entities
        .slice(index, index + batchLimit)
        .map((entity) => ['upsert', entity, 'Replace'] as const);
      batches.push(this.table.submitTransaction(actions as unknown as TableTransaction['actions']));
    }
    await Promise.all(batches);
  }

  async deleteAll(instanceId: string): Promise<void> {
    const keys: string[] = [];
    const filter = odata`PartitionKey eq ${instanceId}`;
    for await (const entity of this.table.listEntities({ queryOptions: { filter, select: ['RowKey'] } })) {
      keys.push(entity.rowKey ?? '');
    }
    for (let index = 0; index < keys.length; index += batchLimit) {
      const actions = keys
        .slice(index, index + batchLimit)
        .map((key) => ['delete', { partitionKey: instanceId, rowKey: key }] as const);
      await this.table.submitTransaction(actions as unknown as TableTransaction['actions']);
    }
  }

  async #toEntity(instanceId: string, executionId: string, position: number, event: HistoryEvent) {
    const entity: Record<string, unknown> = {
      partitionKey: instanceId,
      rowKey: rowKey(position),
      ExecutionId: executionId,
    };
    for (const [key, value] of Object.entries(event)) {
      if (value === undefined || (payloadFields as readonly string[]).includes(key)) continue;
      entity[key] = typeof value === 'object' ? JSON.stringify(value) : value;
    }
    // Timestamp is a system property of table rows; keep the event's own time beside it.
    delete entity.Timestamp;
    entity._Timestamp = event.Timestamp;
    entity.EventType = event.EventType;
    for (const field of payloadFields) {
      const stored = await this.payloads.store(
        event[field],
        `${instanceId}/history-${executionId}-${position}-${field}.json`,
      );
      if (stored.inline !== undefined) entity[field] = stored.inline;
      if (stored.blobName) entity[`${field}BlobName`] = stored.blobName;
    }
    return entity as { partitionKey: string; rowKey: string };
  }

  async #fromEntity(entity: Record<string, unknown>): Promise<HistoryEvent> {
    const event: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(entity)) {
      if (/^[A-Z]/.test(key) && !key.endsWith('BlobName') && key !== 'ExecutionId') event[key] = value;
    }
    event.Timestamp = entity._Timestamp;
    if (typeof event.ParentInstance === 'string') event.ParentInstance = JSON.parse(event.ParentInstance);
    if (entity.EventType === 0) event.ExecutionId = entity.ExecutionId;
    for (const field of payloadFields) {
      const value = await this.payloads.load(entity[field], entity[`${field}BlobName`]);
      if (value !== undefined) event[field] = value;
      else delete event[field];
    }
    return event as unknown as HistoryEvent;
  }
}

function rowKey(position: number): string {
  return String(position).padStart(10, '0');
}
