import type { TableClient } from '@azure/data-tables';
import type { StorageClients } from '../../storage/StorageClients';
import type { WindowBounds } from './assignWindows';
import { windowKeyOf } from './windowNames';

/** Open: landing events. Closing: its landings were listed. Committed or Failed: done, with counts. */
export type WindowState = 'Open' | 'Closing' | 'Committed' | 'Failed';

/** A row of the streamWindows table: one per (stream, window). */
export interface WindowRecord {
  readonly stream: string;
  readonly windowStart: string;
  readonly windowEnd: string;
  readonly state: WindowState;
  /** 1, or the version late events re-opened it as (`late: "reopen"`). */
  readonly version?: number;
  readonly openedAt?: string;
  /** When late events re-opened it as its current version. */
  readonly reopenedAt?: string;
  readonly closedAt?: string;
  readonly committedAt?: string;
  /** Milliseconds from the close (landings listed) to the committed output. */
  readonly closeToCommitMs?: number;
  readonly eventsIn?: number;
  readonly duplicatesDropped?: number;
  readonly lateEvents?: number;
  readonly keys?: number;
  readonly scoredRows?: number;
  readonly alertRows?: number;
  readonly landings?: number;
  readonly model?: string;
  readonly modelVersion?: number;
  readonly modelSha256?: string;
  readonly output?: string;
  readonly manifest?: string;
  readonly reason?: string;
  /** Committed: the drift of its feature rows and predictions (`none`: the version has no baseline). */
  readonly driftStatus?: 'none' | 'ok' | 'warning' | 'breach';
}

type Outcome = Omit<WindowRecord, 'stream' | 'windowStart' | 'windowEnd' | 'state'> & {
  readonly state: 'Committed' | 'Failed';
};

const statusOf = (error: unknown) => (error as { statusCode?: number }).statusCode;

/**
 * The streamWindows table (partition: the stream, row: the window start). The trigger opens a row, the
 * window's close claims it (Closing, under its ETag) before listing the landings, and the commit ends
 * it. A window with no row is open: nothing has closed it yet.
 */
export class StreamWindowStore {
  constructor(
    private readonly storage: StorageClients,
    private readonly tableName: string,
  ) {}

  /** Records the window as open unless it has a row already. */
  async open(stream: string, window: WindowBounds, at: string): Promise<void> {
    const table = await this.#table();
    await table
      .createEntity({ ...this.#keys(stream, window.start), ...bounds(window), state: 'Open', openedAt: at })
      .catch((error: unknown) => {
        if (statusOf(error) !== 409) throw error;
      });
  }

  async get(stream: string, start: number): Promise<WindowRecord | undefined> {
    return (await this.#read(await this.#table(), stream, start))?.record;
  }

  /**
   * Moves the window from Open (or no row) to Closing and returns it; a window already Closing or
   * done is returned as it is. Done under the row's ETag, so a landing that read Open was written
   * before the close lists the landings.
   */
  async beginClose(stream: string, window: WindowBounds, at: string): Promise<WindowRecord> {
    const table = await this.#table();
    for (;;) {
      const current = await this.#read(table, stream, window.start);
      if (current && current.record.state !== 'Open') return current.record;
      const row = { ...this.#keys(stream, window.start), ...bounds(window), state: 'Closing', closedAt: at };
      try {
        if (current) await table.updateEntity(row, 'Merge', { etag: current.etag });
        else await table.createEntity(row);
        // The row as merged under its ETag: no one wrote it in between.
        return recordOf({ ...current?.record, ...row });
      } catch (error) {
        if (statusOf(error) !== 412 && statusOf(error) !== 409) throw error;
      }
    }
  }

  /**
   * Re-opens a done window for late events: `fromVersion`, Committed or Failed, becomes Open as the
   * next version, under the row's ETag, so of several landings that find it done one re-opens it.
   * Returns the new version; undefined when the row is no longer that done version.
   */
  async reopen(stream: string, start: number, fromVersion: number, at: string): Promise<number | undefined> {
    const table = await this.#table();
    const current = await this.#read(table, stream, start);
    const { state, version = 1 } = current?.record ?? {};
    if (!current || version !== fromVersion || (state !== 'Committed' && state !== 'Failed'))
      return undefined;
    const row = { ...this.#keys(stream, start), state: 'Open', version: version + 1, reopenedAt: at };
    try {
      await table.updateEntity(row, 'Merge', { etag: current.etag });
      return version + 1;
    } catch (error) {
      if (statusOf(error) === 412) return undefined;
      throw error;
    }
  }

  /** Ends the window as Committed or Failed with its counts (the same outcome again is harmless). */
  async finish(stream: string, window: WindowBounds, outcome: Outcome): Promise<void> {
    const table = await this.#table();
    await table.upsertEntity({ ...this.#keys(stream, window.start), ...bounds(window), ...outcome }, 'Merge');
  }

  /**
   * Sets the window's late count to what `count` finds (the late blobs), under the row's ETag: the
   * last writer counted after every other writer's blob was written, so concurrent writers converge.
   */
  async recountLate(stream: string, start: number, count: () => Promise<number>): Promise<number> {
    const table = await this.#table();
    for (;;) {
      const current = await this.#read(table, stream, start);
      const lateEvents = await count();
      if (!current) return lateEvents;
      try {
        await table.updateEntity({ ...this.#keys(stream, start), lateEvents }, 'Merge', {
          etag: current.etag,
        });
        return lateEvents;
      } catch (error) {
        if (statusOf(error) !== 412) throw error;
      }
    }
  }

  /** The stream's windows starting in [from, to), earliest first. */
  async list(stream: string, range: { from?: number; to?: number } = {}): Promise<WindowRecord[]> {
    const clauses = [`PartitionKey eq '${stream.replaceAll("'", "''")}'`];
    if (range.from !== undefined) clauses.push(`RowKey ge '${windowKeyOf(range.from)}'`);
    if (range.to !== undefined) clauses.push(`RowKey lt '${windowKeyOf(range.to)}'`);
    return this.#query(clauses.join(' and '));
  }

  /** The stream's windows still open: the trigger closes them as the watermark passes. */
  async listOpen(stream: string): Promise<WindowRecord[]> {
    return this.#query(`PartitionKey eq '${stream.replaceAll("'", "''")}' and state eq 'Open'`);
  }

  /** The stream's windows that ended Failed, earliest first. */
  async listFailed(stream: string): Promise<WindowRecord[]> {
    return this.#query(`PartitionKey eq '${stream.replaceAll("'", "''")}' and state eq 'Failed'`);
  }

  async #query(filter: string): Promise<WindowRecord[]> {
    const table = await this.#table();
    const rows: WindowRecord[] = [];
    for await (const entity of table.listEntities<WindowRecord>({ queryOptions: { filter } }))
      rows.push(recordOf(entity));
    return rows;
  }

  async #read(table: TableClient, stream: string, start: number) {
    try {
      const entity = await table.getEntity<WindowRecord>(stream, windowKeyOf(start));
      return { record: recordOf(entity), etag: entity.etag };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  #keys(stream: string, start: number) {
    return { partitionKey: stream, rowKey: windowKeyOf(start), stream };
  }

  #table(): Promise<TableClient> {
    return this.storage.table(this.tableName);
  }
}

function bounds(window: WindowBounds) {
  return { windowStart: new Date(window.start).toISOString(), windowEnd: new Date(window.end).toISOString() };
}

const tableFields = new Set(['partitionKey', 'rowKey', 'etag', 'timestamp']);

function recordOf(entity: object): WindowRecord {
  return Object.fromEntries(
    Object.entries(entity).filter(([field]) => !tableFields.has(field)),
  ) as unknown as WindowRecord;
}
