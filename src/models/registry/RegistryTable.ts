import { odata, type TableClient, type TransactionAction } from '@azure/data-tables';
import type { StorageClients } from '../../storage/StorageClients';
import {
  auditFromEntity,
  firstVersionRowKey,
  headFromEntity,
  headToEntity,
  headRowKey,
  keyStagesFromEntity,
  keyStagesRowKey,
  keyStagesRowPrefix,
  lastVersionRowKey,
  onceRowKey,
  tagRowPrefix,
  versionFileColumns,
  versionFromEntity,
  versionInfoColumns,
  versionRowKey,
  type AuditRecord,
  type HeadRow,
  type KeyStages,
  type ModelVersionInfo,
} from './registryRows';

/** Tag index rows in the first page of a range read side by side with others, and the most per page. */
const firstTagPageSize = 100;
const maxTagPageSize = 1000;

/** What a failed transaction ran into. */
export type TransactionOutcome = 'committed' | 'stale' | 'exists';

/** Reads and transactions on the registry table; knows row layouts, not registry rules. */
export class RegistryTable {
  constructor(
    private readonly storage: StorageClients,
    private readonly tableName: string,
  ) {}

  get name(): string {
    return this.tableName;
  }

  async head(name: string): Promise<HeadRow | undefined> {
    const entity = await this.#get(name, headRowKey);
    return entity && headFromEntity(entity);
  }

  async version(name: string, version: number): Promise<ModelVersionInfo | undefined> {
    const entity = await this.#get(name, versionRowKey(version), versionInfoColumns);
    return entity && versionFromEntity(entity);
  }

  /**
   * The files a version row holds (model.onnx and the card's JSON), one point read; `undefined` when
   * the version has no row, `{ files: 'blobs' }` when its files are blobs.
   */
  async versionFiles(
    name: string,
    version: number,
  ): Promise<{ files: 'blobs' } | { files: 'row'; onnx: Buffer; card: string } | undefined> {
    const entity = await this.#get(name, versionRowKey(version), versionFileColumns);
    if (entity === undefined) return undefined;
    if (entity.files !== 'row') return { files: 'blobs' };
    const { onnx, card } = entity;
    if (!(onnx instanceof Uint8Array) || typeof card !== 'string')
      throw new Error(`${name}@${version}: its version row says it holds the model's files but lacks them.`);
    return { files: 'row', onnx: Buffer.from(onnx.buffer, onnx.byteOffset, onnx.byteLength), card };
  }

  /** The version registered with an idempotency key (one point read), if any. */
  async versionWithKey(name: string, key: string): Promise<number | undefined> {
    const entity = await this.#get(name, onceRowKey(key));
    return entity === undefined ? undefined : Number(entity.version);
  }

  /** Versions with row keys in [from, to], ascending. */
  async versions(name: string, from = 1, to?: number): Promise<ModelVersionInfo[]> {
    const upper = to === undefined ? lastVersionRowKey : versionRowKey(to);
    const lower = from <= 0 ? firstVersionRowKey : versionRowKey(from);
    const filter = odata`PartitionKey eq ${name} and RowKey ge ${lower} and RowKey le ${upper}`;
    const rows: ModelVersionInfo[] = [];
    const entities = (await this.#table()).listEntities({
      queryOptions: { filter, select: versionInfoColumns },
    });
    for await (const entity of entities) rows.push(versionFromEntity(entity));
    return rows;
  }

  /**
   * Version numbers carrying one of the tags, from the tag index, reading no range longer than needed:
   * the tags' ranges are read side by side a page at a time, and the first to end — the rarest tag's
   * when one is rarer, e.g. a store among 10k store × brand keys — gives the versions; the others are
   * left unread. The versions carry that tag only: callers check the others on the version rows.
   */
  async versionsWithRarestTag(name: string, tags: readonly (readonly [string, string])[]): Promise<number[]> {
    if (tags.length === 0) throw new RangeError('versionsWithRarestTag needs at least one tag');
    const table = await this.#table();
    const ranges = tags.map(([key, value]) => {
      const prefix = tagRowPrefix(key, value);
      const filter = odata`PartitionKey eq ${name} and RowKey gt ${prefix} and RowKey lt ${`${prefix}~`}`;
      return { filter, versions: [] as number[], token: undefined as string | undefined, done: false };
    });
    // Small first pages: a rare tag's range usually ends in its first, and the others stop there.
    for (let pageSize = firstTagPageSize; ; pageSize = Math.min(pageSize * 10, maxTagPageSize)) {
      await Promise.all(
        ranges.map(async (range) => {
          const pages = table
            .listEntities<{ version: number }>({
              queryOptions: { filter: range.filter, select: ['version'] },
            })
            .byPage({ maxPageSize: pageSize, continuationToken: range.token });
          const page = await pages.next();
          if (!page.done) for (const entity of page.value) range.versions.push(Number(entity.version));
          range.token = page.done ? undefined : page.value.continuationToken;
          range.done = range.token === undefined;
        }),
      );
      const ended = ranges.filter((range) => range.done);
      if (ended.length > 0)
        return ended.reduce((a, b) => (b.versions.length < a.versions.length ? b : a)).versions;
    }
  }

  /** One key's stage row of a model declaring `partitionBy` (one point read), if it has had a stage change. */
  async keyStages(
    name: string,
    partitionBy: readonly string[],
    key: Readonly<Record<string, string>>,
  ): Promise<KeyStages | undefined> {
    const entity = await this.#get(name, keyStagesRowKey(partitionBy, key));
    return entity && keyStagesFromEntity(entity);
  }

  /** Every key's stage row of a model declaring `partitionBy`. */
  async allKeyStages(name: string): Promise<KeyStages[]> {
    const prefix = keyStagesRowPrefix;
    const filter = odata`PartitionKey eq ${name} and RowKey ge ${prefix} and RowKey lt ${`${prefix}~`}`;
    const rows: KeyStages[] = [];
    for await (const entity of (await this.#table()).listEntities({ queryOptions: { filter } }))
      rows.push(keyStagesFromEntity(entity));
    return rows;
  }

  async audit(name: string): Promise<AuditRecord[]> {
    const filter = odata`PartitionKey eq ${name} and RowKey gt ${'audit|'} and RowKey lt ${'audit|~'}`;
    const records: AuditRecord[] = [];
    for await (const entity of (await this.#table()).listEntities({ queryOptions: { filter } }))
      records.push(auditFromEntity(entity));
    return records;
  }

  /** Every model's head row. A filter on the row key alone: it reads the whole table (see docs). */
  async heads(): Promise<{ name: string; head: HeadRow }[]> {
    const filter = odata`RowKey eq ${headRowKey}`;
    const heads: { name: string; head: HeadRow }[] = [];
    for await (const entity of (await this.#table()).listEntities({ queryOptions: { filter } }))
      heads.push({
        name: entity.partitionKey ?? '',
        head: headFromEntity(entity),
      });
    return heads.sort((a, b) => a.name.localeCompare(b.name));
  }

  /**
   * Writes the head row if it is still the one with `etag` (creates it when `etag` is undefined). Returns
   * the new ETag, or 'stale' when the row changed (or already exists): nothing was written then.
   */
  async writeHead(name: string, head: Omit<HeadRow, 'etag'>, etag: string | undefined): Promise<string> {
    const table = await this.#table();
    try {
      const written =
        etag === undefined
          ? await table.createEntity(headToEntity(name, head))
          : await table.updateEntity(headToEntity(name, head), 'Replace', { etag });
      return written.etag ?? '';
    } catch (error) {
      const status = (error as { statusCode?: number }).statusCode;
      if (status === 412 || status === 409) return 'stale';
      throw error;
    }
  }

  /**
   * Runs the actions as one transaction in the model's partition. An ETag that no longer matches is
   * 'stale' and a row that already exists is 'exists' (nothing was written in either case).
   */
  async transact(actions: TransactionAction[]): Promise<TransactionOutcome> {
    try {
      await (await this.#table()).submitTransaction(actions);
      return 'committed';
    } catch (error) {
      const status = (error as { statusCode?: number }).statusCode;
      if (status === 412) return 'stale';
      if (status === 409) return 'exists';
      throw error;
    }
  }

  async #get(name: string, rowKey: string, select?: string[]) {
    try {
      return await (await this.#table()).getEntity(name, rowKey, select && { queryOptions: { select } });
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return undefined;
      throw error;
    }
  }

  #table(): Promise<TableClient> {
    return this.storage.table(this.tableName);
  }
}
