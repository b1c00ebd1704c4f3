import { message } from 'rhea';

/** What a trigger sees of an event that arrived as an AMQP message. */
export interface DecodedAmqpEvent {
  readonly body: Buffer;
  readonly bodyIsText: boolean;
  readonly properties: Record<string, unknown>;
}

// Body section descriptors (AMQP 1.0, 3.2.6-3.2.8).
const dataSection = 0x75;
const sequenceSection = 0x76;

interface RheaSection {
  readonly typecode: number;
  readonly content: unknown;
  readonly multiple?: boolean;
}

/**
 * Reads an event's bare AMQP message (properties, application-properties, body, as the producer encoded
 * them): data sections are the body's bytes; an amqp-value string is text; an amqp-value binary is bytes;
 * any other amqp-value or amqp-sequence is its JSON text. Application properties are the event's properties.
 */
export function decodeAmqpEvent(amqp: Buffer): DecodedAmqpEvent {
  const decoded = message.decode(amqp) as {
    body?: unknown;
    application_properties?: Record<string, unknown>;
  };
  return { ...bodyOf(decoded.body), properties: decoded.application_properties ?? {} };
}

function bodyOf(body: unknown): { body: Buffer; bodyIsText: boolean } {
  if (body === undefined) return { body: Buffer.alloc(0), bodyIsText: false };
  if (isSection(body)) {
    if (body.typecode === dataSection) {
      const content = body.multiple ? Buffer.concat(body.content as Buffer[]) : (body.content as Buffer);
      return { body: content, bodyIsText: false };
    }
    return { body: Buffer.from(JSON.stringify(body.content) ?? 'null', 'utf8'), bodyIsText: true };
  }
  if (typeof body === 'string') return { body: Buffer.from(body, 'utf8'), bodyIsText: true };
  if (Buffer.isBuffer(body)) return { body, bodyIsText: false };
  return { body: Buffer.from(JSON.stringify(body) ?? 'null', 'utf8'), bodyIsText: true };
}

function isSection(body: unknown): body is RheaSection {
  if (typeof body !== 'object' || body === null || !('typecode' in body) || !('content' in body))
    return false;
  const typecode = (body as RheaSection).typecode;
  return typecode === dataSection || typecode === sequenceSection;
}
