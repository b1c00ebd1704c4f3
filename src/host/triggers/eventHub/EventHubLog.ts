import { setTimeout as delay } from 'node:timers/promises';
import { odata, type TableClient, type TransactionAction } from '@azure/data-tables';
import type { StorageConnection } from '../../storage/StorageConnection';
import { InvalidEventsError, type EventToSend, type StoredEvent } from './EventHubEvent';
import {
  checkEventSize,
  eventHubTableName,
  fromEventEntity,
  sequenceRowKey,
  toEventEntity,
  type EventEntity,
} from './eventEntity';

export const defaultPartitionCount = 4;
export const maxPartitionCount = 32;

// The hub's own row, in a table partition of its own, fixes the partition count at creation (as Event Hubs does).
const hubPartition = '$hub';
const hubRow = 'properties';
// Each partition's counter row sorts before its events ('$' < '0'): next sequence number and offset.
const counterRow = '$next';
// A table transaction takes at most 100 operations and 4 MiB; one operation is the counter.
const maxEventsPerTransaction = 99;
const maxTransactionChars = 3_000_000;
const maxAppendAttempts = 50;
const maxReadPageSize = 1000;

/** What Event Hubs reports of a partition (its management READ). */
export interface PartitionInfo {
  readonly beginningSequenceNumber: number;
  readonly lastEnqueuedSequenceNumber: number;
  readonly lastEnqueuedOffset: number;
  readonly lastEnqueuedTime: Date;
  readonly isEmpty: boolean;
}

/** Where a reader starts: after (or at) a byte offset, or after an enqueued time. */
export type LogPosition =
  { readonly offset: number; readonly inclusive: boolean } | { readonly enqueuedAfter: Date };

interface PartitionCounter {
  sequenceNumber: number;
  offset: number;
  etag?: string;
}

/**
 * The local stand-in for one event hub: a table in Azure Storage with one table partition per hub
 * partition. Producers append under an ETag-guarded counter in the same transaction as the events, so
 * sequence numbers are dense and in commit order even with concurrent producers.
 */
export class EventHubLog {
  private constructor(
    readonly hub: string,
    readonly partitionCount: number,
    readonly createdAt: Date,
    private readonly table: TableClient,
  ) {}

  /** Opens the hub's log, creating it with `partitionCount` partitions if it does not exist yet. */
  static async open(storage: StorageConnection, hub: string, partitionCount: number): Promise<EventHubLog> {
    const table = storage.table(eventHubTableName(hub));
    await table.createTable();
    try {
      await table.createEntity({ partitionKey: hubPartition, rowKey: hubRow, hubName: hub, partitionCount });
    } catch (error) {
      if (statusOf(error) !== 409) throw error;
    }
    const properties = await table.getEntity(hubPartition, hubRow);
    const createdAt = properties.timestamp ? new Date(String(properties.timestamp)) : new Date();
    return new EventHubLog(hub, Number(properties.partitionCount), createdAt, table);
  }

  /** The partition ids, "0" to "n-1". */
  partitionIds(): string[] {
    return Array.from({ length: this.partitionCount }, (_, index) => String(index));
  }

  /** Appends events to one partition in order; returns them as stored (sequence numbers, offsets, times). */
  async append(partitionId: string, events: readonly EventToSend[]): Promise<StoredEvent[]> {
    if (!this.partitionIds().includes(partitionId)) {
      throw new InvalidEventsError(
        `Event hub '${this.hub}' has partitions 0-${this.partitionCount - 1}; there is no partition "${partitionId}".`,
      );
    }
    const bodies = events.map((event, index) => {
      const body = typeof event.body === 'string' ? Buffer.from(event.body, 'utf8') : event.body;
      checkEventSize(body, event.properties ?? {}, index);
      return body;
    });
    const stored: StoredEvent[] = [];
    for (const range of transactionRanges(bodies, events)) {
      stored.push(...(await this.#appendInOneTransaction(partitionId, events, bodies, range)));
    }
    return stored;
  }

  /** Up to `maxCount` events of a partition from `fromSequenceNumber` on, in sequence order. */
  async read(partitionId: string, fromSequenceNumber: number, maxCount: number): Promise<StoredEvent[]> {
    const filter = odata`PartitionKey eq ${partitionId} and RowKey ge ${sequenceRowKey(fromSequenceNumber)}`;
    const events: StoredEvent[] = [];
    const pages = this.table
      .listEntities<Record<string, unknown>>({ queryOptions: { filter } })
      .byPage({ maxPageSize: Math.min(maxCount, maxReadPageSize) });
    for await (const page of pages) {
      for (const entity of page) {
        if (events.length < maxCount) events.push(fromEventEntity(entity));
      }
      if (events.length >= maxCount) break;
    }
    return events;
  }

  /** The partition's first and last events, as the service's partition properties report them. */
  async partitionInfo(partitionId: string): Promise<PartitionInfo> {
    const counter = await this.#readCounter(partitionId);
    if (counter.sequenceNumber === 0) {
      return {
        beginningSequenceNumber: 0,
        lastEnqueuedSequenceNumber: -1,
        lastEnqueuedOffset: -1,
        lastEnqueuedTime: new Date(0),
        isEmpty: true,
      };
    }
    const [last] = await this.read(partitionId, counter.sequenceNumber - 1, 1);
    const [first] = await this.read(partitionId, 0, 1);
    return {
      beginningSequenceNumber: first?.sequenceNumber ?? counter.sequenceNumber,
      lastEnqueuedSequenceNumber: counter.sequenceNumber - 1,
      lastEnqueuedOffset: last?.offset ?? -1,
      lastEnqueuedTime: last?.enqueuedTime ?? new Date(0),
      isEmpty: !first,
    };
  }

  /** The first sequence number at a position; the next one to be written when no event is there yet. */
  async firstSequenceNumber(partitionId: string, position: LogPosition): Promise<number> {
    const filter =
      'offset' in position
        ? position.offset < 0
          ? odata`PartitionKey eq ${partitionId} and RowKey ge ${sequenceRowKey(0)}`
          : position.inclusive
            ? odata`PartitionKey eq ${partitionId} and RowKey ge ${sequenceRowKey(0)} and offset ge ${position.offset}`
            : odata`PartitionKey eq ${partitionId} and RowKey ge ${sequenceRowKey(0)} and offset gt ${position.offset}`
        : odata`PartitionKey eq ${partitionId} and RowKey ge ${sequenceRowKey(0)} and enqueuedTime gt ${position.enqueuedAfter}`;
    for await (const entity of this.table.listEntities<Record<string, unknown>>({
      queryOptions: { filter },
    })) {
      return Number(entity.sequenceNumber);
    }
    return (await this.#readCounter(partitionId)).sequenceNumber;
  }

  /** Old events are kept in the table log. */
  enforceRetention(): Promise<number> {
    return Promise.resolve(0);
  }

  async #appendInOneTransaction(
    partitionId: string,
    events: readonly EventToSend[],
    bodies: readonly Buffer[],
    [start, end]: [number, number],
  ): Promise<StoredEvent[]> {
    for (let attempt = 1; ; attempt++) {
      const counter = await this.#readCounter(partitionId);
      const enqueuedTime = new Date();
      let { sequenceNumber, offset } = counter;
      const stored: StoredEvent[] = [];
      for (let index = start; index < end; index++) {
        const event = events[index]!;
        const body = bodies[index]!;
        stored.push({
          partitionId,
          sequenceNumber: sequenceNumber++,
          offset,
          enqueuedTime,
          body,
          bodyIsText: typeof event.body === 'string',
          properties: event.properties ?? {},
          ...(event.partitionKey !== undefined ? { partitionKey: event.partitionKey } : {}),
        });
        offset += body.length;
      }
      const next: EventEntity = { partitionKey: partitionId, rowKey: counterRow, sequenceNumber, offset };
      const actions: TransactionAction[] = [
        counter.etag ? ['update', next, 'Replace', { etag: counter.etag }] : ['create', next],
        ...stored.map((event): TransactionAction => ['create', toEventEntity(event)]),
      ];
      try {
        await this.table.submitTransaction(actions);
        return stored;
      } catch (error) {
        // 412: another producer moved the counter first; 409: another producer created it first.
        const status = statusOf(error);
        if ((status !== 412 && status !== 409) || attempt >= maxAppendAttempts) throw error;
        await delay(Math.random() * Math.min(200, 5 * attempt));
      }
    }
  }

  async #readCounter(partitionId: string): Promise<PartitionCounter> {
    try {
      const entity = await this.table.getEntity(partitionId, counterRow);
      return {
        sequenceNumber: Number(entity.sequenceNumber),
        offset: Number(entity.offset),
        etag: entity.etag,
      };
    } catch (error) {
      if (statusOf(error) === 404) return { sequenceNumber: 0, offset: 0 };
      throw error;
    }
  }
}

/** Splits events into runs that fit one table transaction each. */
function transactionRanges(bodies: readonly Buffer[], events: readonly EventToSend[]): [number, number][] {
  const ranges: [number, number][] = [];
  let start = 0;
  let chars = 0;
  bodies.forEach((body, index) => {
    // Base64 text is 4/3 of the bytes; properties and system columns add a little.
    const size = Math.ceil(body.length * 1.4) + JSON.stringify(events[index]?.properties ?? {}).length + 256;
    if (index > start && (index - start >= maxEventsPerTransaction || chars + size > maxTransactionChars)) {
      ranges.push([start, index]);
      start = index;
      chars = 0;
    }
    chars += size;
  });
  if (start < bodies.length) ranges.push([start, bodies.length]);
  return ranges;
}

function statusOf(error: unknown): number | undefined {
  return (error as { statusCode?: number }).statusCode;
}
