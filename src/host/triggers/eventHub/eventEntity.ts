import type { TableEntity, TableEntityResult } from '@azure/data-tables';
import { InvalidEventsError, maxEventBodyBytes, type StoredEvent } from './EventHubEvent';
import { fnv1a32 } from './partitionForKey';

/** One row of an event hub's table: PartitionKey = partition id, RowKey = zero-padded sequence number. */
export type EventEntity = TableEntity<Record<string, unknown>>;

// A table string property holds at most 64 KiB (32K UTF-16 characters); longer bodies span body, body1, ...
const bodyChunkChars = 30_000;
const maxPropertiesChars = 30_000;
// 19 digits hold any Int64, so the RowKeys of a partition sort in sequence-number order.
const sequenceDigits = 19;

/** The RowKey of a sequence number. */
export function sequenceRowKey(sequenceNumber: number): string {
  return String(sequenceNumber).padStart(sequenceDigits, '0');
}

/** Checks that an event fits in one table row, naming the limit it breaks. */
export function checkEventSize(body: Buffer, properties: Record<string, unknown>, index: number): void {
  if (body.length > maxEventBodyBytes) {
    throw new InvalidEventsError(
      `Event ${index}: its body is ${body.length} bytes; the local Event Hubs log takes at most ${maxEventBodyBytes} bytes per event.`,
    );
  }
  if (JSON.stringify(properties).length > maxPropertiesChars) {
    throw new InvalidEventsError(
      `Event ${index}: its properties take more than ${maxPropertiesChars} characters as JSON; send fewer or smaller properties.`,
    );
  }
}

/** The table row of a stored event. */
export function toEventEntity(event: StoredEvent): EventEntity {
  const text = event.bodyIsText ? event.body.toString('utf8') : event.body.toString('base64');
  const entity: EventEntity = {
    partitionKey: event.partitionId,
    rowKey: sequenceRowKey(event.sequenceNumber),
    sequenceNumber: event.sequenceNumber,
    offset: event.offset,
    enqueuedTime: event.enqueuedTime,
    bodyEncoding: event.bodyIsText ? 'utf8' : 'base64',
    properties: JSON.stringify(event.properties),
  };
  if (event.partitionKey !== undefined) entity.eventPartitionKey = event.partitionKey;
  const chunks = Math.max(1, Math.ceil(text.length / bodyChunkChars));
  for (let index = 0; index < chunks; index++) {
    entity[index === 0 ? 'body' : `body${index}`] = text.slice(
      index * bodyChunkChars,
      (index + 1) * bodyChunkChars,
    );
  }
  entity.bodyChunks = chunks;
  return entity;
}

/** The stored event of a table row. */
export function fromEventEntity(entity: TableEntityResult<Record<string, unknown>>): StoredEvent {
  const chunks = Number(entity.bodyChunks ?? 1);
  let text = '';
  for (let index = 0; index < chunks; index++) {
    const chunk = entity[index === 0 ? 'body' : `body${index}`];
    text += typeof chunk === 'string' ? chunk : '';
  }
  const bodyIsText = entity.bodyEncoding !== 'base64';
  const enqueuedTime = entity.enqueuedTime;
  return {
    partitionId: entity.partitionKey ?? '',
    sequenceNumber: Number(entity.sequenceNumber),
    offset: Number(entity.offset),
    enqueuedTime: enqueuedTime instanceof Date ? enqueuedTime : new Date(String(enqueuedTime)),
    body: Buffer.from(text, bodyIsText ? 'utf8' : 'base64'),
    bodyIsText,
    properties: JSON.parse(typeof entity.properties === 'string' ? entity.properties : '{}') as Record<
      string,
      unknown
    >,
    ...(typeof entity.eventPartitionKey === 'string' ? { partitionKey: entity.eventPartitionKey } : {}),
  };
}

/** The table name of an event hub: `eventhub<name>`, plus a hash when the name has characters tables refuse. */
export function eventHubTableName(hub: string): string {
  const lower = hub.toLowerCase();
  const alphanumeric = lower.replace(/[^a-z0-9]/g, '');
  const plain = `eventhub${alphanumeric}`;
  if (alphanumeric === lower && plain.length <= 63) return plain;
  return `${plain.slice(0, 55)}${fnv1a32(lower).toString(16).padStart(8, '0')}`;
}
