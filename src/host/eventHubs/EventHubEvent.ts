/** An event as a producer hands it over: text or bytes, application properties, an optional partition key. */
export interface EventToSend {
  readonly body: string | Buffer;
  readonly properties?: Record<string, unknown>;
  readonly partitionKey?: string;
  /**
   * The event's bare AMQP message as its producer encoded it (the sections after the message annotations:
   * properties, application properties, body). When given, the log keeps these bytes as they are, and
   * `body` and `properties` are read from them; the `body` and `properties` given here are not stored.
   */
  readonly amqp?: Buffer;
}

/** An event as the log holds it, with what Event Hubs assigns on arrival. */
export interface StoredEvent {
  readonly partitionId: string;
  readonly sequenceNumber: number;
  /** The event's byte position in its partition's stream (Event Hubs offsets are byte positions); increases with the sequence number. */
  readonly offset: number;
  readonly enqueuedTime: Date;
  readonly body: Buffer;
  /** Whether the producer sent text (kept as text in the log) rather than bytes. */
  readonly bodyIsText: boolean;
  readonly properties: Record<string, unknown>;
  readonly partitionKey?: string;
  /** The bare AMQP message, byte for byte as the producer sent it, for events that arrived over AMQP. */
  readonly amqp?: Buffer;
}

/** Where a sent event landed, as the producer endpoint reports it. */
export interface SentEvent {
  readonly partitionId: string;
  readonly sequenceNumber: number;
  readonly offset: number;
  readonly enqueuedTimeUtc: string;
  readonly partitionKey?: string;
}

/** Events a producer sent that Event Hubs would refuse (too large, bad partition); the message says which and why. */
export class InvalidEventsError extends Error {
  override name = 'InvalidEventsError';
}

/** Largest event the local log stores: body, properties and partition key, or the AMQP message (Event Hubs Standard's 1 MiB). */
export const maxEventBytes = 1024 * 1024;

/** Event Hubs' own naming rule: letters, digits, `.`, `-`, `_`; starts and ends with a letter or digit. */
export function checkEventHubName(hub: string, usedBy: string): string {
  if (!/^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,254}[A-Za-z0-9])?$/.test(hub)) {
    throw new InvalidEventsError(
      `${usedBy}: "${hub}" is not a valid event hub name (1-256 letters, digits, '.', '-' or '_', starting and ending with a letter or digit).`,
    );
  }
  return hub;
}

/** The JSON-friendly report of a stored event. */
export function toSentEvent(event: StoredEvent): SentEvent {
  return {
    partitionId: event.partitionId,
    sequenceNumber: event.sequenceNumber,
    offset: event.offset,
    enqueuedTimeUtc: event.enqueuedTime.toISOString(),
    ...(event.partitionKey !== undefined ? { partitionKey: event.partitionKey } : {}),
  };
}
