import { EventHubProducerClient, type EventData } from '@azure/event-hubs';
import { Presets, SingleBar } from 'cli-progress';
import { ValidationError } from '../errors';
import type { FileEvent } from './readEventFile';
import { fnv1a32 } from '../host/eventHubs/partitionForKey';

export interface SendOptions {
  readonly connection: string;
  readonly hub: string;
  /** Events per second at most; unlimited when absent. */
  readonly rate?: number;
  /** A body field whose value picks the partition, so one key's events stay in order in one partition. */
  readonly partitionKeyField?: string;
  /** The file name, for messages. */
  readonly file: string;
}

export interface SendSummary {
  readonly events: number;
  readonly partitions: number;
  readonly seconds: number;
}

// Without a rate, events go in chunks this large; with one, a chunk is a tenth of a second's worth.
const unlimitedChunk = 5000;
const tickMs = 100;

/**
 * Sends the events in file order through EventHubProducerClient batches, one chunk at a time (each
 * partition's batches in order), at most `rate` events/s, with a progress bar on stderr.
 */
export async function sendEventFile(
  events: readonly FileEvent[],
  options: SendOptions,
): Promise<SendSummary> {
  const keys = options.partitionKeyField === undefined ? undefined : keysOf(events, options);
  const producer = new EventHubProducerClient(options.connection, options.hub);
  const bar = new SingleBar(
    {
      format: 'Sending [{bar}] {value}/{total} events | {rate} events/s',
      hideCursor: true,
      stream: process.stderr,
    },
    Presets.shades_classic,
  );
  try {
    const partitionIds = await producer.getPartitionIds();
    const chunk =
      options.rate === undefined ? unlimitedChunk : Math.max(1, Math.round((options.rate * tickMs) / 1000));
    const started = performance.now();
    bar.start(events.length, 0, { rate: 0 });
    for (let sent = 0; sent < events.length;) {
      if (options.rate !== undefined) await sleepUntil(started + (sent / options.rate) * 1000);
      const end = Math.min(events.length, sent + chunk);
      const byPartition = new Map<string, FileEvent[]>();
      for (let index = sent; index < end; index++) {
        const partition = partitionIds[partitionOf(index, keys, partitionIds.length)]!;
        const list = byPartition.get(partition) ?? [];
        list.push(events[index]!);
        byPartition.set(partition, list);
      }
      await Promise.all(
        [...byPartition].map(([partitionId, list]) =>
          sendInBatches(producer, partitionId, list, options.file),
        ),
      );
      sent = end;
      bar.update(sent, { rate: Math.round(sent / ((performance.now() - started) / 1000)) });
    }
    bar.stop();
    return {
      events: events.length,
      partitions: partitionIds.length,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    bar.stop();
    await producer.close();
  }
}

/** Every event's partition key, checked before anything is sent. */
function keysOf(events: readonly FileEvent[], options: SendOptions): string[] {
  const field = options.partitionKeyField!;
  return events.map(({ body, line }) => {
    const value = body[field];
    if (typeof value !== 'string' && typeof value !== 'number')
      throw new ValidationError(
        `${options.file} line ${line}: the partition key field "${field}" is ${value === undefined ? 'missing' : `not text or a number`}.`,
        { file: options.file, row: line, field },
      );
    return String(value);
  });
}

/** The same key always goes to the same partition (FNV-1a of the key); without keys, partitions in turn. */
function partitionOf(index: number, keys: readonly string[] | undefined, count: number): number {
  if (keys === undefined) return index % count;
  return fnv1a32(keys[index]!) % count;
}

async function sendInBatches(
  producer: EventHubProducerClient,
  partitionId: string,
  events: readonly FileEvent[],
  file: string,
): Promise<void> {
  let batch = await producer.createBatch({ partitionId });
  for (const { body, line } of events) {
    const event: EventData = { body };
    if (batch.tryAdd(event)) continue;
    if (batch.count > 0) {
      await producer.sendBatch(batch);
      batch = await producer.createBatch({ partitionId });
      if (batch.tryAdd(event)) continue;
    }
    throw new ValidationError(
      `${file} line ${line}: the event is larger than a batch may be (${batch.maxSizeInBytes} bytes).`,
      { file, row: line },
    );
  }
  if (batch.count > 0) await producer.sendBatch(batch);
}

function sleepUntil(time: number): Promise<void> {
  const wait = time - performance.now();
  return wait > 0 ? new Promise((resolve) => setTimeout(resolve, wait)) : Promise.resolve();
}
