/** An event as a producer hands it over: text or bytes, application properties, an optional partition key. */
export interface EventToSend {
  readonly body: string | Buffer;
  readonly properties?: Record<string, unknown>;
  readonly partitionKey?: string;
  /** The event's AMQP message as the producer encoded it, when it came over AMQP; kept byte for byte. */
  readonly amqp?: Buffer;
}

/** An event as the log holds it, with what Event Hubs assigns on arrival. */
export interface StoredEvent {
  readonly partitionId: string;
  readonly sequenceNumber: number;
  /** The running total of body bytes in the partition before this event (Event Hubs offsets are byte positions). */
  readonly offset: number;
  readonly enqueuedTime: Date;
  readonly body: Buffer;
  /** Whether the producer sent text (kept as text in the log) rather than bytes. */
  readonly bodyIsText: boolean;
  readonly properties: Record<string, unknown>;
  readonly partitionKey?: string;
  /** The event's AMQP message as the producer encoded it, when it came over AMQP. */
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

/** Largest event body the local log stores (Event Hubs Basic's limit; Standard allows 1 MB). */
export const maxEventBodyBytes = 256 * 1024;

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
