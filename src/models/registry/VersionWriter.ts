import type { TransactionAction } from '@azure/data-tables';
import { ConflictError, TransientError } from '../../errors';
import type { ModelCard } from '../../runtime/models/ModelCard';
import type { RegisteredVersion, RegistrationRequest } from './Registration';
import type { ModelStage } from './ModelStage';
import type { RegistryBlobs } from './RegistryBlobs';
import { onceRowKey, tagRowKey, versionToEntity, type HeadRow, type ModelVersionInfo } from './registryRows';
import type { RegistryTable, TransactionOutcome } from './RegistryTable';

const maxReserveAttempts = 50;
/** Rows one table transaction may hold. */
const transactionLimit = 100;
/** Estimated request bytes per transaction: half the service's 4 MiB, for encoding overheads. */
const transactionBytesLimit = 2 * 1024 * 1024;
/** A card kept in its row is a string property: at most 32K UTF-16 code units there; keep a margin. */
const maxRowCardLength = 30_000;

export interface VersionWriterOptions {
  readonly table: RegistryTable;
  readonly blobs: RegistryBlobs;
  /** The largest model.onnx kept in its version row (see ModelRegistryOptions.maxRowModelBytes). */
  readonly maxRowModelBytes: number;
  /** The version an idempotency key registered, when a registration finds its key taken. */
  readonly versionWithKey: (name: string, key: string) => Promise<RegisteredVersion | undefined>;
}

/**
 * The registry's write path for new versions: numbers reserved by an ETag-checked head update, files
 * written once (as blobs, or in the version row when small), and version rows inserted whole versions
 * per transaction.
 */
export class VersionWriter {
  readonly #table: RegistryTable;
  readonly #blobs: RegistryBlobs;
  readonly #maxRowModelBytes: number;
  readonly #versionWithKey: VersionWriterOptions['versionWithKey'];
  /** Per model name, the head row as this registry last wrote it (ETag included). */
  readonly #heads = new Map<string, HeadRow>();

  constructor(options: VersionWriterOptions) {
    this.#table = options.table;
    this.#blobs = options.blobs;
    this.#maxRowModelBytes = options.maxRowModelBytes;
    this.#versionWithKey = options.versionWithKey;
  }

  /**
   * Writes a new version's files (blobs, unless they fit in its version row) and returns the rows that
   * insert it.
   */
  async storeFiles(
    name: string,
    onnx: Buffer,
    card: ModelCard,
    stage: ModelStage,
    idempotencyKey?: string,
  ): Promise<VersionRows> {
    const cardJson = JSON.stringify(card);
    if (onnx.length <= this.#maxRowModelBytes && cardJson.length <= maxRowCardLength)
      return versionRows(name, onnx, card, stage, idempotencyKey, cardJson);
    const stored = await this.#blobs.writeOnce(name, card.version, onnx, card);
    return versionRows(name, onnx, stored, stage, idempotencyKey);
  }

  /**
   * Reserves `count` consecutive version numbers (returns the first) by moving the head row's
   * latestVersion under its ETag. The head this registry last wrote is tried first (no read per
   * registration); any other writer changes the ETag, and the head is then read again.
   */
  async reserveVersions(name: string, count: number, partitionBy?: readonly string[]): Promise<number> {
    for (let attempt = 1; attempt <= maxReserveAttempts; attempt++) {
      const known = this.#heads.get(name);
      const head = known ?? (await this.#table.head(name));
      const first = (head?.latestVersion ?? 0) + 1;
      const latestVersion = first + count - 1;
      if (partitionBy) checkPartitionBy(name, head, partitionBy);
      const declared = partitionBy && !head?.partitionBy ? { partitionBy } : {};
      const row = head
        ? { ...withoutEtag(head), latestVersion, ...declared }
        : { latestVersion, auditCount: 0, ...declared };
      const etag = await this.#table.writeHead(name, row, head?.etag);
      if (etag !== 'stale') {
        // Without an ETag the next reservation reads the head (an update without one would not be checked).
        if (etag === '') this.#heads.delete(name);
        else this.#heads.set(name, { ...row, etag });
        return first;
      }
      this.#heads.delete(name);
      // A stale copy of our own is re-read at once; a race with another writer backs off a little.
      if (!known)
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * Math.min(attempt, 10)));
    }
    throw new TransientError(
      `Could not reserve a version number for "${name}": too many concurrent registrations.`,
    );
  }

  /**
   * Inserts the versions' rows, whole versions per transaction (at most 100 rows each). A transaction
   * refused because a row exists is an idempotency key another registration took first: its versions
   * are then inserted one by one, and a taken key settles with the version registered under it.
   */
  async insertVersions(
    versions: readonly (VersionRows & { index: number; request: RegistrationRequest })[],
    outcomes: (PromiseSettledResult<RegisteredVersion> | undefined)[],
  ): Promise<void> {
    const groups: (typeof versions)[number][][] = [];
    let size = transactionLimit;
    let bytes = 0;
    for (const version of versions) {
      if (
        size + version.actions.length > transactionLimit ||
        bytes + version.requestBytes > transactionBytesLimit
      ) {
        groups.push([]);
        size = 0;
        bytes = 0;
      }
      groups.at(-1)!.push(version);
      size += version.actions.length;
      bytes += version.requestBytes;
    }
    const settle = async (version: (typeof versions)[number], outcome: TransactionOutcome) => {
      const { index, request, info } = version;
      if (outcome === 'committed') outcomes[index] = { status: 'fulfilled', value: info };
      else if (outcome === 'exists' && request.idempotencyKey !== undefined) {
        // Another registration with the key committed first: its version stands; this number stays
        // unused, and the files written for it (if blobs) are removed.
        if (info.files === 'blobs') await this.#blobs.remove(info.name, info.version).catch(() => undefined);
        const earlier = await this.#versionWithKey(info.name, request.idempotencyKey);
        outcomes[index] = earlier
          ? { status: 'fulfilled', value: earlier }
          : {
              status: 'rejected',
              reason: new Error(
                `${info.name}: idempotency key "${request.idempotencyKey}" is taken but names no version`,
              ),
            };
      } else
        outcomes[index] = {
          status: 'rejected',
          reason: new Error(`${info.name}@${info.version}: the version row could not be written.`),
        };
    };
    await Promise.all(
      groups.map(async (group) => {
        try {
          const outcome = await this.#table.transact(group.flatMap((version) => version.actions));
          if (outcome !== 'exists' || group.length === 1) {
            await Promise.all(group.map((version) => settle(version, outcome)));
            return;
          }
          for (const version of group) await settle(version, await this.#table.transact(version.actions));
        } catch (error) {
          for (const { index } of group) outcomes[index] = { status: 'rejected', reason: error };
        }
      }),
    );
  }

  async writeVersion(
    name: string,
    onnx: Buffer,
    draft: ModelCard,
    stage: ModelStage,
  ): Promise<RegisteredVersion> {
    const { info, actions } = await this.storeFiles(name, onnx, draft, stage);
    // 'exists': a concurrent seeder wrote the same version first.
    if ((await this.#table.transact(actions)) === 'stale')
      throw new Error(`${name}@${info.version}: the version row could not be written.`);
    return info;
  }
}

/** A version as registered, and the rows that insert it: its version row, tag index rows, idempotency row. */
export interface VersionRows {
  readonly info: RegisteredVersion;
  readonly actions: TransactionAction[];
  /** What the rows add to a transaction's request, estimated (files in the row dominate). */
  readonly requestBytes: number;
}

/** The rows of a version; `rowCard` (the card's JSON) keeps model.onnx and the card in the version row. */
function versionRows(
  name: string,
  onnx: Buffer,
  card: ModelCard,
  stage: ModelStage,
  idempotencyKey?: string,
  rowCard?: string,
): VersionRows {
  const info: ModelVersionInfo = {
    name,
    version: card.version,
    stage,
    files: rowCard === undefined ? 'blobs' : 'row',
    sha256: card.sha256 ?? '',
    bytes: onnx.length,
    createdAt: card.createdAt ?? '',
    tags: card.tags,
    metrics: card.metrics,
    description: card.description,
    producer: card.producer,
    parentVersion: card.parentVersion,
    trainingData: card.training?.data,
    trainingSha256: card.training?.sha256,
  };
  const files = rowCard === undefined ? undefined : { onnx, card: rowCard };
  const actions: TransactionAction[] = [['create', versionToEntity(info, files)]];
  for (const [key, value] of Object.entries(card.tags))
    actions.push([
      'create',
      { partitionKey: name, rowKey: tagRowKey(key, value, info.version), version: info.version },
    ]);
  if (idempotencyKey !== undefined)
    actions.push([
      'create',
      { partitionKey: name, rowKey: onceRowKey(idempotencyKey), version: info.version },
    ]);
  // Base64 for the model, escaped quotes for the card, about 1 KiB of properties and framing per row.
  const requestBytes =
    (files ? Math.ceil(onnx.length / 3) * 4 + Math.ceil(rowCard!.length * 1.25) : 0) + actions.length * 1024;
  return { info: { ...info, card }, actions, requestBytes };
}

/**
 * A registration declaring `partitionBy` fits the model: the same columns as it declares already, or a
 * model that declares none and has no whole-model production or staging version (whose meaning would
 * change under per-key stages).
 */
function checkPartitionBy(name: string, head: HeadRow | undefined, partitionBy: readonly string[]): void {
  if (head?.partitionBy) {
    if (head.partitionBy.join('\u0000') !== partitionBy.join('\u0000'))
      throw new ConflictError(
        `Model "${name}" is per ${head.partitionBy.join(' × ')}; this registration declares ${partitionBy.join(' × ')}. Register it under another name.`,
      );
    return;
  }
  if (head && (head.production !== undefined || head.staging !== undefined))
    throw new ConflictError(
      `Model "${name}" has a production or staging version for the whole model, so it cannot become per ${partitionBy.join(' × ')}; register the per-key versions under another name.`,
    );
}

function withoutEtag(head: HeadRow): Omit<HeadRow, 'etag'> {
  const rest: { -readonly [K in keyof HeadRow]?: HeadRow[K] } = { ...head };
  delete rest.etag;
  return rest as Omit<HeadRow, 'etag'>;
}
