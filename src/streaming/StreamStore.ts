import type { TableClient } from '@azure/data-tables';
import type { StorageClients } from '../storage/StorageClients';

/** A stream's progress in one partition: counts of events scored once each, and the last one. */
export interface StreamPartitionProgress {
  readonly partitionId: string;
  readonly eventsIn: number;
  readonly badEvents: number;
  readonly scoredEvents: number;
  /** Window streams: events landed for their windows (scored when the window closes). */
  readonly landedEvents?: number;
  /** Window streams: the latest event time seen in the partition (epoch ms). */
  readonly watermark?: number;
  readonly lastSequenceNumber: number;
  readonly lastBatchAt: string;
  /** `name@version` of the model that scored the last batch. */
  readonly model?: string;
}

/** What a batch adds, per event, so a batch delivered again counts only the events it did not count. */
export interface BatchCounts {
  readonly partitionId: string;
  readonly events: readonly {
    readonly sequenceNumber: number;
    readonly outcome: 'bad' | 'scored' | 'landed';
  }[];
  readonly model?: string;
  /** Window streams: the batch's latest event time. */
  readonly watermark?: number;
  readonly at: string;
}

/**
 * The streams table: one row per (stream, partition). A batch adds only its events after the row's last
 * sequence number, so a batch delivered again (after a crash between writing and checkpointing) is not
 * counted twice. One host reads a partition at a time, so the row has one writer.
 */
export class StreamStore {
  constructor(
    private readonly storage: StorageClients,
    private readonly tableName: string,
  ) {}

  async recordBatch(stream: string, counts: BatchCounts): Promise<StreamPartitionProgress> {
    const table = await this.#table();
    const previous = await this.#read(table, stream, counts.partitionId);
    const last = previous?.lastSequenceNumber ?? -1;
    const fresh = counts.events.filter((event) => event.sequenceNumber > last);
    const count = (outcome: string) => fresh.filter((event) => event.outcome === outcome).length;
    const watermark = Math.max(previous?.watermark ?? -Infinity, counts.watermark ?? -Infinity);
    const progress: StreamPartitionProgress = {
      partitionId: counts.partitionId,
      eventsIn: (previous?.eventsIn ?? 0) + fresh.length,
      badEvents: (previous?.badEvents ?? 0) + count('bad'),
      scoredEvents: (previous?.scoredEvents ?? 0) + count('scored'),
      ...(counts.watermark === undefined && previous?.watermark === undefined
        ? {}
        : { landedEvents: (previous?.landedEvents ?? 0) + count('landed'), watermark }),
      lastSequenceNumber: Math.max(last, ...counts.events.map((event) => event.sequenceNumber)),
      lastBatchAt: counts.at,
      model: counts.model ?? previous?.model,
    };
    await table.upsertEntity({ partitionKey: stream, rowKey: counts.partitionId, ...progress }, 'Replace');
    return progress;
  }

  /** Every partition's progress of a stream, by partition id. */
  async partitions(stream: string): Promise<StreamPartitionProgress[]> {
    const table = await this.#table();
    const rows: StreamPartitionProgress[] = [];
    const filter = `PartitionKey eq '${stream.replaceAll("'", "''")}'`;
    for await (const entity of table.listEntities<StreamPartitionProgress>({ queryOptions: { filter } }))
      rows.push(progressOf(entity));
    return rows.sort((a, b) => a.partitionId.localeCompare(b.partitionId, 'en', { numeric: true }));
  }

  async #read(table: TableClient, stream: string, partitionId: string) {
    try {
      return progressOf(await table.getEntity<StreamPartitionProgress>(stream, partitionId));
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return undefined;
      throw error;
    }
  }

  #table(): Promise<TableClient> {
    return this.storage.table(this.tableName);
  }
}

function progressOf(entity: StreamPartitionProgress): StreamPartitionProgress {
  const { partitionId, eventsIn, badEvents, scoredEvents, landedEvents, watermark } = entity;
  const { lastSequenceNumber, lastBatchAt, model } = entity;
  return {
    partitionId,
    eventsIn,
    badEvents,
    scoredEvents,
    ...(watermark === undefined ? {} : { landedEvents, watermark }),
    lastSequenceNumber,
    lastBatchAt,
    model,
  };
}
