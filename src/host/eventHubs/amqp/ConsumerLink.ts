import { setTimeout as delay } from 'node:timers/promises';
import type { Message, Sender } from 'rhea';
import type { EventHubLog, LogPosition } from '../EventHubLog';
import type { HubDirectory } from '../HubDirectory';
import { AmqpError, conditions, toAmqpError } from './AmqpError';
import { messageForConsumer } from './amqpEvents';
import { consumerBytes } from './consumerBytes';
import type { EntityAddress } from './entityAddress';
import { creditOf, localAttach } from './rheaLinks';
import type { PartitionReceiver, ReceiverOwnership } from './ReceiverOwnership';

export interface ConsumerLinkServices {
  readonly hubs: HubDirectory;
  readonly ownership: ReceiverOwnership;
  readonly pollMs: number;
  readonly onEnd: () => void;
}

const epochProperty = 'com.microsoft:epoch';
const runtimeMetricCapability = 'com.microsoft:enable-receiver-runtime-metric';
const selectorFilter = 'apache.org:selector-filter:string';
// Events read from the log per round trip, at most (the link's credit may allow fewer).
const maxEventsPerRead = 500;
const maxRetryMs = 5_000;

/**
 * One consumer's link on one partition of a consumer group: starts where its filter says, takes part in
 * ownership (owner levels), and sends the partition's events in order as the client grants credit,
 * waiting for new ones when it has caught up.
 */
export class ConsumerLink implements PartitionReceiver {
  readonly #stop = new AbortController();
  readonly ownerLevel?: number;
  readonly #trackLastEnqueued: boolean;
  #admitted = false;
  #ended = false;

  constructor(
    private readonly sender: Sender,
    private readonly address: Extract<EntityAddress, { kind: 'consume' }>,
    private readonly services: ConsumerLinkServices,
  ) {
    const properties = (sender.properties ?? {}) as Record<string, unknown>;
    const level = properties[epochProperty];
    if (typeof level === 'number') this.ownerLevel = level;
    const desired = [sender.desired_capabilities ?? []].flat() as unknown[];
    this.#trackLastEnqueued = desired.includes(runtimeMetricCapability);
    if (this.#trackLastEnqueued) localAttach(sender).offered_capabilities = [runtimeMetricCapability];
    sender.on('sender_close', () => this.#end());
    sender.on('sender_error', () => this.#end());
  }

  get name(): string {
    return this.sender.name;
  }

  /** Opens the partition, admits the receiver and sends events until the link or the endpoint stops. */
  async start(): Promise<void> {
    const { hubs, ownership } = this.services;
    try {
      const log = await hubs.open(this.address.hub);
      if (!log.partitionIds().includes(this.address.partitionId)) {
        throw new AmqpError(
          conditions.argumentOutOfRange,
          `The specified partition is invalid for an EventHub partition sender or receiver. It should be between 0 and ${log.partitionCount - 1}; '${this.address.partitionId}' is not. (event hub '${log.hub}')`,
          400,
        );
      }
      const next = await this.#startingSequenceNumber(log);
      if (this.#ended) return;
      ownership.admit(this.#ownershipKey(), this);
      this.#admitted = true;
      await this.#send(log, next);
    } catch (error) {
      this.disconnect(toAmqpError(error));
    }
  }

  /** Ends the link with an error (another receiver took the partition, or it cannot be read). */
  disconnect(error: AmqpError): void {
    if (!this.#ended) this.sender.close(error.toAmqp());
    this.#end();
  }

  /** Stops sending (the endpoint is stopping or the connection went away). */
  stop(): void {
    this.#end();
  }

  #end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#stop.abort();
    if (this.#admitted) this.services.ownership.release(this.#ownershipKey(), this);
    this.services.onEnd();
  }

  #ownershipKey(): string {
    const { hub, consumerGroup, partitionId } = this.address;
    return `${hub}/${consumerGroup}/${partitionId}`.toLowerCase();
  }

  async #send(log: EventHubLog, from: number): Promise<void> {
    const signal = this.#stop.signal;
    const partitionId = this.address.partitionId;
    let next = from;
    let failures = 0;
    while (!signal.aborted) {
      if (!this.sender.sendable()) {
        await this.#creditOrStop();
        continue;
      }
      let events;
      let last;
      try {
        events = await log.read(partitionId, next, Math.min(creditOf(this.sender), maxEventsPerRead));
        last = this.#trackLastEnqueued && events.length ? await log.partitionInfo(partitionId) : undefined;
        failures = 0;
      } catch {
        // Storage is down or busy: the client keeps its link and gets the events once it is back.
        await pause(Math.min(maxRetryMs, 100 * 2 ** ++failures), signal);
        continue;
      }
      if (events.length === 0) {
        await this.services.hubs.waitForAppend(log.hub, partitionId, this.services.pollMs, signal);
        continue;
      }
      const retrievedAt = new Date();
      for (const event of events) {
        if (signal.aborted || !this.sender.sendable()) break;
        // Most events go out as the producer's bytes plus the service's annotations, never decoded.
        const bytes = last ? undefined : consumerBytes(event);
        if (bytes) {
          this.sender.send(bytes, undefined, 0);
          next = event.sequenceNumber + 1;
          continue;
        }
        const message: Message = messageForConsumer(event);
        if (last) {
          message.delivery_annotations = {
            last_enqueued_sequence_number: last.lastEnqueuedSequenceNumber,
            last_enqueued_offset: String(last.lastEnqueuedOffset),
            last_enqueued_time_utc: last.lastEnqueuedTime,
            runtime_info_retrieval_time_utc: retrievedAt,
          };
        }
        this.sender.send(message);
        next = event.sequenceNumber + 1;
      }
    }
  }

  /** Where the receiver's selector filter starts it (offset, sequence number or enqueued time). */
  async #startingSequenceNumber(log: EventHubLog): Promise<number> {
    const filter = selectorOf(this.sender.source);
    const partitionId = this.address.partitionId;
    if (filter === undefined) return (await log.partitionInfo(partitionId)).beginningSequenceNumber;
    const match =
      /^\s*amqp\.annotation\.x-opt-(offset|sequence-number|enqueued-time)\s*(>=|>)\s*'([^']*)'\s*$/i.exec(
        filter,
      );
    const invalid = () =>
      new AmqpError(
        conditions.invalidField,
        `The receiver filter "${filter}" is not one the local Event Hubs endpoint reads: amqp.annotation.x-opt-offset, x-opt-sequence-number or x-opt-enqueued-time, with > or >= and a quoted value.`,
        400,
      );
    if (!match) throw invalid();
    const [, field, operator, value] = match as unknown as [string, string, string, string];
    const inclusive = operator === '>=';
    if (field.toLowerCase() === 'offset') {
      if (value === '@latest') return (await log.partitionInfo(partitionId)).lastEnqueuedSequenceNumber + 1;
      const offset = Number(value);
      if (!Number.isInteger(offset)) throw invalid();
      return log.firstSequenceNumber(partitionId, { offset, inclusive } satisfies LogPosition);
    }
    if (field.toLowerCase() === 'sequence-number') {
      const sequenceNumber = Number(value);
      if (!Number.isInteger(sequenceNumber)) throw invalid();
      const info = await log.partitionInfo(partitionId);
      const first = inclusive ? sequenceNumber : sequenceNumber + 1;
      // Before the first retained event: start at the beginning, as the service does.
      return Math.max(first, info.beginningSequenceNumber);
    }
    const time = Number(value);
    if (!Number.isFinite(time)) throw invalid();
    return log.firstSequenceNumber(partitionId, { enqueuedAfter: new Date(time) });
  }

  #creditOrStop(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.sender.removeListener('sendable', done);
        this.#stop.signal.removeEventListener('abort', done);
        resolve();
      };
      this.sender.on('sendable', done);
      this.#stop.signal.addEventListener('abort', done, { once: true });
    });
  }
}

/** The selector filter's text, however the link's source carried it (described or plain). */
function selectorOf(source: { filter?: Record<string, unknown> } | undefined): string | undefined {
  const entry = source?.filter?.[selectorFilter];
  if (entry === undefined || entry === null) return undefined;
  if (typeof entry === 'string') return entry;
  const value = (entry as { value?: unknown }).value;
  return typeof value === 'string' ? value : String(value);
}

async function pause(ms: number, signal: AbortSignal): Promise<void> {
  try {
    await delay(ms, undefined, { signal });
  } catch {
    // Stopped.
  }
}
