import type { DurableClient } from 'durable-functions';
import { parseStreamEvents, type BadEvent } from '../parseStreamEvents';
import { enqueuedTimeMs, type StreamBatch } from '../StreamBatch';
import { streamBlobName } from '../streamBlobNames';
import { streamContainer } from '../streamContainer';
import type { StreamDefinition } from '../StreamDefinition';
import type { StreamingServices } from '../StreamingServices';
import type { StreamPartitionProgress } from '../StreamStore';
import { windowAssigner, type WindowBounds } from './assignWindows';
import { keepLateEvents } from './keepLateEvents';
import type { LandedEvent } from './LandedEvent';
import { reopenWindow } from './reopenWindow';
import { writeJsonLines } from './windowBlobs';
import { windowFieldsOf } from './windowFeatures';
import { windowBlobNames } from './windowNames';
import { recordEventLag } from '../recordEventLag';

interface Landing {
  readonly window: WindowBounds;
  readonly name: string;
  readonly events: LandedEvent[];
}

/**
 * Lands one batch of a window stream: bad events to the dead letters, the others into one landing blob
 * per window (named by the batch's first sequence number, so a batch delivered again overwrites its
 * own). Only then does it read each window's state: a window still open has not listed its landings
 * yet, so it will include this one (its orchestration is started if need be); a window already done
 * gets these events as late ones (kept apart, or re-opening it: the stream's `late` policy); a closing
 * window's commit finds them itself. Last, the watermark moves and closes the windows it passed.
 */
export async function landWindowBatch(
  stream: StreamDefinition,
  batch: StreamBatch,
  services: StreamingServices,
  client: DurableClient,
): Promise<StreamPartitionProgress | undefined> {
  const first = batch.events[0];
  if (first === undefined) return undefined;
  const container = await streamContainer(stream, services);
  const { good, bad } = timedEvents(stream, batch);
  const landings = landingsOf(stream, batch, good);
  const metadata = {
    stream: stream.name,
    partition: batch.partitionId,
    firstsequence: String(first.sequenceNumber),
    lastsequence: String(batch.events.at(-1)!.sequenceNumber),
  };
  const lastSequence = batch.events.at(-1)!.sequenceNumber;
  await Promise.all(
    landings.map(async (landing) => {
      const body = await writeJsonLines(container, landing.name, landing.events, {
        ...metadata,
        events: String(landing.events.length),
      });
      services.landings?.put(landing.name, lastSequence, landing.events, body.length);
    }),
  );
  if (bad.length > 0)
    await writeJsonLines(
      container,
      streamBlobName(stream, 'deadLetter', batch.partitionId, first.sequenceNumber),
      bad,
      metadata,
    );
  for (const landing of landings) {
    const record = await services.windows.get(stream.name, landing.window.start);
    if (stream.window?.late === 'reopen' && record && (record.state !== 'Open' || (record.version ?? 1) > 1))
      await reopenWindow(stream, landing.window, [landing], services, client);
    else if (record === undefined || record.state === 'Open')
      await services.tracker.ensureStarted(stream, landing.window, client);
    else if (record.state !== 'Closing') await keepLateEvents(stream, landing.window, [landing], services);
  }
  recordEventLag(stream.name, batch);
  const badReasons = new Map(bad.map((event) => [event.sequenceNumber, event.reason]));
  // A loop, not Math.max(...times): a batch can hold more events than call arguments fit.
  const latest = good.reduce((max, event) => Math.max(max, event.eventTime), -Infinity);
  const progress = await services.streams.recordBatch(stream.name, {
    partitionId: batch.partitionId,
    events: batch.events.map(({ sequenceNumber }) => {
      const reason = badReasons.get(sequenceNumber);
      return reason === undefined
        ? { sequenceNumber, outcome: 'landed' }
        : { sequenceNumber, outcome: 'bad', reason };
    }),
    at: new Date().toISOString(),
    watermark: good.length > 0 ? latest : undefined,
  });
  if (good.length > 0) await services.tracker.advance(stream, batch.partitionId, latest, client);
  return progress;
}

interface TimedEvent {
  readonly sequenceNumber: number;
  readonly fields: Readonly<Record<string, unknown>>;
  readonly eventTime: number;
}

/** The batch's events that fit the schema, each with its event time; the rest, and why. */
function timedEvents(stream: StreamDefinition, batch: StreamBatch) {
  const parsed = parseStreamEvents(stream, batch);
  const good: TimedEvent[] = [];
  const bad: BadEvent[] = parsed.bad;
  const field = stream.window?.eventTime;
  for (const event of parsed.good) {
    const eventTime =
      field === undefined ? enqueuedTimeMs(event.enqueuedTimeUtc) : timeOf(event.fields[field]);
    if (Number.isFinite(eventTime))
      good.push({ sequenceNumber: event.sequenceNumber, fields: event.fields, eventTime });
    else
      bad.push({
        partitionId: batch.partitionId,
        sequenceNumber: event.sequenceNumber,
        enqueuedTimeUtc: event.enqueuedTimeUtc,
        reason: 'the event has no enqueued time to window it by',
      });
  }
  return { good, bad: bad.sort((a, b) => a.sequenceNumber - b.sequenceNumber) };
}

/** A `timestamp` field's epoch milliseconds: a number as it is, text as ISO 8601. */
function timeOf(value: unknown): number {
  return typeof value === 'number' ? value : Date.parse(String(value));
}

/** The good events grouped by the window(s) each falls in, as each window's landing keeps them. */
function landingsOf(stream: StreamDefinition, batch: StreamBatch, events: readonly TimedEvent[]): Landing[] {
  const fields = windowFieldsOf(stream.features);
  const first = batch.events[0]!.sequenceNumber;
  const landings = new Map<number, Landing>();
  const windowsOf = windowAssigner(stream.window!);
  for (const event of events) {
    const values: Record<string, number> = {};
    for (const name of fields) values[name] = event.fields[name] as number;
    const landed: LandedEvent = {
      key: event.fields[stream.key],
      partitionId: batch.partitionId,
      sequenceNumber: event.sequenceNumber,
      eventTime: event.eventTime,
      values,
    };
    for (const window of windowsOf(event.eventTime)) {
      let landing = landings.get(window.start);
      if (!landing) {
        landing = {
          window,
          name: windowBlobNames(stream, window.start).landing(batch.partitionId, first),
          events: [],
        };
        landings.set(window.start, landing);
      }
      landing.events.push(landed);
    }
  }
  return [...landings.values()];
}
