import { labelOf } from '../runtime/models/LoadedModel';
import { alertRows } from './alertRows';
import { formatStreamRows } from './formatStreamRows';
import { predictionValueAt } from './predictionValueAt';
import { NotFoundError, ValidationError } from '../errors';
import { parseStreamEvents, type BadEvent, type GoodEvent } from './parseStreamEvents';
import { recordEventLag } from './recordEventLag';
import type { StreamBatch } from './StreamBatch';
import { streamBlobName, type StreamBlobKind } from './streamBlobNames';
import type { StreamDefinition } from './StreamDefinition';
import type { StreamModel } from './StreamModels';
import type { StreamingServices } from './StreamingServices';
import type { StreamPartitionProgress } from './StreamStore';

/**
 * Scores one batch of a perEvent stream: bad events to the dead-letter blob (never blocking the
 * partition), the others scored by the stream's pinned model into one output blob per batch (and the
 * rows over the alert threshold into an alerts blob), then the streams table. Every blob is named by
 * the batch's first sequence number, so a batch delivered again overwrites its own outputs. A failure
 * (storage, model) throws: the function's retry policy runs the batch again before the host moves on.
 */
export async function scoreStreamBatch(
  stream: StreamDefinition,
  batch: StreamBatch,
  services: StreamingServices,
): Promise<StreamPartitionProgress | undefined> {
  const first = batch.events[0];
  if (first === undefined) return undefined;
  const container = services.containers.checkWrite(
    stream.outputs.container ?? services.outputContainer,
    `${stream.name}: outputs.container`,
  );
  const write = async (kind: StreamBlobKind, rows: readonly Record<string, unknown>[]) => {
    const format = kind === 'output' ? stream.outputs.format : 'jsonl';
    const blob = streamBlobName(stream, kind, batch.partitionId, first.sequenceNumber);
    const client = (await services.storage.ensureContainer(container)).getBlockBlobClient(blob);
    await client.uploadData(formatStreamRows(rows, format), {
      blobHTTPHeaders: { blobContentType: format === 'csv' ? 'text/csv' : 'application/x-ndjson' },
      metadata: {
        stream: stream.name,
        partition: batch.partitionId,
        firstsequence: String(first.sequenceNumber),
        lastsequence: String(batch.events.at(-1)!.sequenceNumber),
      },
    });
  };
  const parsed = parseStreamEvents(stream, batch);
  const { good, bad } = await withModel(stream, batch.partitionId, parsed, services);
  let model: string | undefined;
  if (good.length > 0) {
    const scorer = await services.models.forStream(stream);
    model = labelOf(scorer.model);
    const rows = await scoreRows(stream, batch.partitionId, good, scorer, services);
    await write('output', rows);
    const alerts = alertRows(stream, rows, scorer.mapping.outputs[0]?.name);
    if (alerts.length > 0) await write('alerts', alerts);
  }
  if (bad.length > 0)
    await write(
      'deadLetter',
      bad.map((event) => ({ ...event })),
    );
  recordEventLag(stream.name, batch);
  const badReasons = new Map(bad.map((event) => [event.sequenceNumber, event.reason]));
  return services.streams.recordBatch(stream.name, {
    partitionId: batch.partitionId,
    events: batch.events.map(({ sequenceNumber }) => {
      const reason = badReasons.get(sequenceNumber);
      return reason === undefined
        ? { sequenceNumber, outcome: 'scored' }
        : { sequenceNumber, outcome: 'bad', reason };
    }),
    model,
    at: new Date().toISOString(),
  });
}

/**
 * A model the definition cannot use (no such model, features that do not match it) will not start
 * working on a retry: the good events go to the dead letters with the reason, rather than being lost
 * when the host moves on after the retries. Other failures (storage) throw, so the batch is retried.
 */
async function withModel(
  stream: StreamDefinition,
  partitionId: string,
  events: { good: GoodEvent[]; bad: BadEvent[] },
  services: StreamingServices,
): Promise<{ good: GoodEvent[]; bad: BadEvent[] }> {
  if (events.good.length === 0) return events;
  try {
    await services.models.forStream(stream);
    return events;
  } catch (error) {
    if (!(error instanceof ValidationError || error instanceof NotFoundError)) throw error;
    const reason = `model ${stream.model} cannot score this stream: ${error.message}`;
    const unscored = events.good.map(({ sequenceNumber, enqueuedTimeUtc }) => ({
      partitionId,
      sequenceNumber,
      enqueuedTimeUtc,
      reason,
    }));
    return {
      good: [],
      bad: [...events.bad, ...unscored].sort((a, b) => a.sequenceNumber - b.sequenceNumber),
    };
  }
}

/** The events' features as the model reads them → the worker pool → one row per event. */
async function scoreRows(
  stream: StreamDefinition,
  partitionId: string,
  events: readonly GoodEvent[],
  { model, mapping }: StreamModel,
  services: StreamingServices,
): Promise<Record<string, unknown>[]> {
  const columns = mapping.featureColumns;
  const features = new Float32Array(events.length * columns.length);
  events.forEach((event, row) =>
    columns.forEach((column, index) => {
      features[row * columns.length + index] = event.fields[column] as number;
    }),
  );
  const predictions = await services.runner.scoreBatch(model, mapping, features, events.length);
  return events.map((event, row) => ({
    [stream.key]: event.fields[stream.key],
    partitionId,
    sequenceNumber: event.sequenceNumber,
    enqueuedTimeUtc: event.enqueuedTimeUtc,
    ...Object.fromEntries(stream.features.map((feature) => [feature, event.fields[feature]])),
    ...Object.fromEntries(predictions.map((column) => [column.name, predictionValueAt(column, row)])),
    model: model.name,
    modelVersion: model.version,
    modelSha256: model.sha256,
  }));
}
