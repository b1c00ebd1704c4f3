import { message as rheaMessage, types, type Message } from 'rhea';
import type { EventToSend, StoredEvent } from '../EventHubEvent';

/** The message format of an Event Hubs batch: each data section of the body is one encoded message. */
export const batchMessageFormat = 0x80013700;

const partitionKeyAnnotation = 'x-opt-partition-key';
const dataSectionCode = 0x75;
// The body of an event given with its AMQP bytes: the log reads body and properties from those bytes.
const notStored = Buffer.alloc(0);

/** One published AMQP delivery, unpacked: its events (each kept as the producer encoded it, with the batch's partition key) and that key. */
export interface PublishedBatch {
  readonly events: EventToSend[];
  readonly partitionKey?: string;
}

/**
 * Unpacks a delivery sent to a hub: a batch (format 0x80013700, one data section per encoded event, the
 * partition key in the envelope's annotations) or a single message (format 0). Each event keeps its
 * bytes as sent, so consumers get its sections, body type and properties exactly as the producer wrote them.
 */
export function unpackDelivery(payload: Buffer | Message, format: number | undefined): PublishedBatch {
  if (format === batchMessageFormat && Buffer.isBuffer(payload)) {
    const envelope = decode(payload);
    const sections = bodySections(envelope.body);
    // The events stay encoded: the log keeps their bytes and decodes them only for a reader that needs
    // their body. The SDKs put a batch's partition key on the envelope; else the first event says it.
    const partitionKey = keyOf(envelope) ?? (sections[0] ? keyOf(decode(sections[0])) : undefined);
    const events = sections.map((bytes): EventToSend =>
      partitionKey === undefined
        ? { body: notStored, amqp: bytes }
        : { body: notStored, amqp: bytes, partitionKey },
    );
    return withKey(events, partitionKey);
  }
  const bytes = Buffer.isBuffer(payload) ? payload : rheaMessage.encode(payload);
  const event = eventFromBytes(bytes);
  return withKey([event], event.partitionKey);
}

/** The AMQP message a consumer receives for a stored event, with the service's annotations added. */
export function messageForConsumer(event: StoredEvent): Message {
  const message: Message = event.amqp ? decode(event.amqp) : { body: dataSection(event.body) };
  if (!event.amqp && Object.keys(event.properties).length) message.application_properties = event.properties;
  message.message_annotations = { ...message.message_annotations, ...serviceAnnotations(event) };
  return message;
}

/** The message annotations the service sets on each event it delivers. */
export function serviceAnnotations(event: StoredEvent): Record<string, unknown> {
  return {
    'x-opt-sequence-number': types.wrap_long(event.sequenceNumber),
    'x-opt-offset': String(event.offset),
    'x-opt-enqueued-time': event.enqueuedTime,
    ...(event.partitionKey !== undefined ? { [partitionKeyAnnotation]: event.partitionKey } : {}),
  };
}

function dataSection(bytes: Buffer): unknown {
  return rheaMessage.data_section(bytes) as unknown;
}

function decode(bytes: Buffer): Message {
  return rheaMessage.decode(bytes) as unknown as Message;
}

/** The event of one encoded message: its bytes, plus the body and properties a Functions trigger sees. */
function eventFromBytes(bytes: Buffer): EventToSend {
  const decoded = decode(bytes);
  const properties = (decoded.application_properties ?? {}) as Record<string, unknown>;
  const key = keyOf(decoded);
  return {
    body: bodyOf(decoded.body),
    properties,
    amqp: bytes,
    ...(key !== undefined ? { partitionKey: key } : {}),
  };
}

/** A data body as its bytes; a string value as text; any other value or sequence as JSON text. */
function bodyOf(body: unknown): string | Buffer {
  if (isSection(body)) {
    if (body.typecode === dataSectionCode) {
      const parts = body.multiple ? (body.content as Buffer[]) : [body.content as Buffer];
      return Buffer.concat(parts);
    }
    return JSON.stringify(body.content) ?? '';
  }
  if (typeof body === 'string') return body;
  if (Buffer.isBuffer(body)) return body;
  return body === undefined ? '' : (JSON.stringify(body) ?? '');
}

function bodySections(body: unknown): Buffer[] {
  if (isSection(body) && body.typecode === dataSectionCode) {
    return body.multiple ? (body.content as Buffer[]) : [body.content as Buffer];
  }
  throw new Error('A batch message must carry its events as data sections.');
}

function keyOf(message: Message): string | undefined {
  const key: unknown = message.message_annotations?.[partitionKeyAnnotation];
  return typeof key === 'string' ? key : undefined;
}

function withKey(events: EventToSend[], partitionKey: string | undefined): PublishedBatch {
  return partitionKey === undefined ? { events } : { events, partitionKey };
}

interface Section {
  typecode: number;
  content: unknown;
  multiple?: boolean;
}

function isSection(value: unknown): value is Section {
  return typeof value === 'object' && value !== null && typeof (value as Section).typecode === 'number';
}
