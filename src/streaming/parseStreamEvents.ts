import type { StreamBatch, StreamEvent } from './StreamBatch';
import type { FieldType, StreamDefinition } from './StreamDefinition';

/** An event whose body has every schema field with its type. */
export interface GoodEvent extends StreamEvent {
  readonly fields: Readonly<Record<string, unknown>>;
}

/** An event that cannot be scored, and why (written to the dead-letter blob, never retried). */
export interface BadEvent {
  readonly partitionId: string;
  readonly sequenceNumber: number;
  readonly enqueuedTimeUtc: string;
  readonly reason: string;
}

/** Splits a batch into events that fit the stream's schema and events that do not (with the reason). */
export function parseStreamEvents(
  stream: StreamDefinition,
  batch: StreamBatch,
): { good: GoodEvent[]; bad: BadEvent[] } {
  const good: GoodEvent[] = [];
  const bad: BadEvent[] = [];
  const schema = Object.entries(stream.schema);
  for (const event of batch.events) {
    const reason = problemOf(schema, event.body);
    if (reason === undefined)
      good.push({
        body: event.body,
        sequenceNumber: event.sequenceNumber,
        enqueuedTimeUtc: event.enqueuedTimeUtc,
        fields: event.body as Record<string, unknown>,
      });
    else
      bad.push({
        partitionId: batch.partitionId,
        sequenceNumber: event.sequenceNumber,
        enqueuedTimeUtc: event.enqueuedTimeUtc,
        reason,
      });
  }
  return { good, bad };
}

function problemOf(schema: readonly [string, FieldType][], body: unknown): string | undefined {
  // The functions library parses JSON bodies; a body still text was not JSON.
  if (typeof body === 'string') return 'the body is not a JSON object (it is not JSON, or JSON text)';
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return `the body is not a JSON object (it is ${Array.isArray(body) ? 'an array' : String(body)})`;
  const fields = body as Record<string, unknown>;
  for (const [field, type] of schema) {
    const value = fields[field];
    if (value === undefined || value === null) return `field "${field}" is missing`;
    if (!fits(type, value)) return `field "${field}" must be ${article(type)}, not ${describe(value)}`;
  }
  return undefined;
}

function fits(type: FieldType, value: unknown): boolean {
  switch (type) {
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer':
      return typeof value === 'number' && Number.isSafeInteger(value);
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    case 'timestamp':
      return (typeof value === 'string' && !Number.isNaN(Date.parse(value))) || typeof value === 'number';
  }
}

function article(type: FieldType): string {
  return type === 'integer'
    ? 'an integer'
    : type === 'timestamp'
      ? 'a timestamp (ISO 8601 text or epoch ms)'
      : `a ${type}`;
}

/** The value's JSON type, and the value itself when short (reasons never carry long content). */
function describe(value: unknown): string {
  const type = Array.isArray(value)
    ? 'an array'
    : typeof value === 'object'
      ? 'an object'
      : `a ${typeof value}`;
  const text = JSON.stringify(value);
  return text.length <= 40 && typeof value !== 'object' ? `${type} ${text}` : type;
}
