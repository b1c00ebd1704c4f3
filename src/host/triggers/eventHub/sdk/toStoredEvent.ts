import type { ReceivedEventData } from '@azure/event-hubs';
import type { StoredEvent } from '../../../eventHubs/EventHubEvent';

/**
 * An event the SDK received, in the shape the local log gives the trigger, so both feed the function
 * alike. Received with `skipParsingBodyAsJson`, a data body is the bytes the producer sent, which is what
 * the Functions host binds; a value body (an AMQP string or other value) becomes its text, or JSON.
 */
export function toStoredEvent(event: ReceivedEventData, partitionId: string): StoredEvent {
  const body = bodyBytes(event.body);
  return {
    partitionId,
    sequenceNumber: event.sequenceNumber,
    // A byte position in the partition; the extension binds it as a number too.
    offset: Number(event.offset),
    enqueuedTime: event.enqueuedTimeUtc,
    body,
    bodyIsText: typeof event.body === 'string',
    properties: { ...(event.properties ?? {}) },
    ...(typeof event.partitionKey === 'string' ? { partitionKey: event.partitionKey } : {}),
  };
}

function bodyBytes(body: unknown): Buffer {
  if (Buffer.isBuffer(body)) return body;
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body === null || body === undefined) return Buffer.alloc(0);
  return Buffer.from(JSON.stringify(body), 'utf8');
}
