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
  readonly firstBatchAt?: string;
  /** Events counted per second over the last minute of batches: JSON `[[epochSecond, events], ...]`. */
  readonly recentCounts?: string;
  /** The last bad event's reason, or the last batch that failed, and when. */
  readonly lastError?: string;
  readonly lastErrorAt?: string;
}

/** What a batch adds, per event, so a batch delivered again counts only the events it did not count. */
export interface BatchCounts {
  readonly partitionId: string;
  readonly events: readonly {
    readonly sequenceNumber: number;
    readonly outcome: 'bad' | 'scored' | 'landed';
    /** Why a bad event is bad. */
    readonly reason?: string;
  }[];
  readonly model?: string;
  /** Window streams: the batch's latest event time. */
  readonly watermark?: number;
  readonly at: string;
}

interface WrittenRow {
  readonly progress: StreamPartitionProgress;
  readonly etag: string;
}

/**
 * The streams table: one row per (stream, partition). A batch adds only its events after the row's last
 * sequence number, so a batch delivered again (after a crash between writing and checkpointing) is not
 * counted twice. One host reads a partition at a time, so the row has one writer; it writes under the
 * row's ETag and keeps what it wrote, so a batch reads the row only when someone else wrote it since.
 */
export class StreamStore {
  /** Rows this process wrote last, with their ETags: the next batch's update needs no read. */
  readonly #written = new Map<string, WrittenRow>();

  constructor(
    private readonly storage: StorageClients,
    private readonly tableName: string,
  ) {}

  async recordBatch(stream: string, counts: BatchCounts): Promise<StreamPartitionProgress> {
    const table = await this.#table();
    const key = `${stream}\n${counts.partitionId}`;
    for (;;) {
      // The row as this process last wrote it, while its ETag still holds; else as stored.
      const previous = this.#written.get(key) ?? (await this.#read(table, stream, counts.partitionId));
      this.#written.delete(key);
      const progress = progressAfter(previous?.progress, counts);
      const entity = { partitionKey: stream, rowKey: counts.partitionId, ...progress };
      try {
        const { etag } = previous
          ? await table.updateEntity(entity, 'Replace', { etag: previous.etag })
          : await table.createEntity(entity);
        if (etag) this.#written.set(key, { progress, etag });
        return progress;
      } catch (error) {
        // Written by someone else since (a failed batch's error, another host during a handover): read it again.
        const status = (error as { statusCode?: number }).statusCode;
        if (status !== 412 && status !== 409 && status !== 404) throw error;
      }
    }
  }

  /** Records a batch that failed (it is retried, then the host moves on) as the partition's last error. */
  async recordError(stream: string, partitionId: string, message: string, at: string): Promise<void> {
    const table = await this.#table();
    await table.upsertEntity(
      { partitionKey: stream, rowKey: partitionId, partitionId, lastError: message, lastErrorAt: at },
      'Merge',
    );
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

  async #read(table: TableClient, stream: string, partitionId: string): Promise<WrittenRow | undefined> {
    try {
      const entity = await table.getEntity<StreamPartitionProgress>(stream, partitionId);
      return { progress: progressOf(entity), etag: entity.etag };
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return undefined;
      throw error;
    }
  }

  #table(): Promise<TableClient> {
    return this.storage.table(this.tableName);
  }
}

/** The partition's progress after a batch: only its events after the last sequence number count. */
function progressAfter(
  previous: StreamPartitionProgress | undefined,
  counts: BatchCounts,
): StreamPartitionProgress {
  const last = previous?.lastSequenceNumber ?? -1;
  const fresh = counts.events.filter((event) => event.sequenceNumber > last);
  const count = (outcome: string) => fresh.filter((event) => event.outcome === outcome).length;
  const watermark = Math.max(previous?.watermark ?? -Infinity, counts.watermark ?? -Infinity);
  const lastBad = fresh.filter((event) => event.outcome === 'bad').at(-1);
  return {
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
    firstBatchAt: previous?.firstBatchAt ?? counts.at,
    recentCounts: JSON.stringify(recentCountsAfter(previous?.recentCounts, counts.at, fresh.length)),
    ...(lastBad
      ? {
          lastError: `event ${lastBad.sequenceNumber}: ${lastBad.reason ?? 'bad event'}`,
          lastErrorAt: counts.at,
        }
      : { lastError: previous?.lastError, lastErrorAt: previous?.lastErrorAt }),
  };
}

/** Events per second of the minute before `at`, with `events` added to its second. */
function recentCountsAfter(previous: string | undefined, at: string, events: number): [number, number][] {
  const second = Math.floor(Date.parse(at) / 1000);
  const recent = (JSON.parse(previous ?? '[]') as [number, number][]).filter(([s]) => s > second - 60);
  const current = recent.find(([s]) => s === second);
  if (current) current[1] += events;
  else if (events > 0) recent.push([second, events]);
  return recent;
}

function progressOf(entity: StreamPartitionProgress): StreamPartitionProgress {
  const { partitionId, eventsIn = 0, badEvents = 0, scoredEvents = 0, landedEvents, watermark } = entity;
  const { lastSequenceNumber = -1, lastBatchAt, model, firstBatchAt, recentCounts } = entity;
  const { lastError, lastErrorAt } = entity;
  return {
    partitionId,
    eventsIn,
    badEvents,
    scoredEvents,
    ...(watermark === undefined ? {} : { landedEvents, watermark }),
    lastSequenceNumber,
    lastBatchAt,
    model,
    ...(firstBatchAt === undefined ? {} : { firstBatchAt }),
    ...(recentCounts === undefined ? {} : { recentCounts }),
    ...(lastError === undefined ? {} : { lastError, lastErrorAt }),
  };
}
