import type { TransactionAction } from '@azure/data-tables';
import { ConflictError, NotFoundError, TransientError, ValidationError } from '../../errors';
import type { ModelSignature } from '../../runtime/inference/readModelSignature';
import type { StorageClients } from '../../storage/StorageClients';
import { modelNamePattern, type ModelCard } from '../../runtime/models/ModelCard';
import type { ModelInspector } from './ModelInspector';
import { parseModelStage, type ModelStage } from './ModelStage';
import { planStageChange, type StageActor } from './planStageChange';
import { prepareCard } from './prepareCard';
import { RegistryBlobs } from './RegistryBlobs';
import {
  auditToEntity,
  headToEntity,
  onceRowKey,
  tagRowKey,
  versionRowKey,
  versionToEntity,
  type AuditRecord,
  type HeadRow,
  type ModelVersionInfo,
  type VersionToLoad,
} from './registryRows';
import { RegistryTable, type TransactionOutcome } from './RegistryTable';
import { resolveVersion, versionsTagged, type ModelQuery } from './resolveVersion';
import { parseStoredCard, verifyCard, verifyOnnx, type VerifiedModel } from './verifyVersionFiles';

export interface ModelRegistryOptions {
  readonly storage: StorageClients;
  /** Table name (default setting MODEL_REGISTRY_TABLE = models). */
  readonly table: string;
  /** Blob container name (default setting MODEL_REGISTRY_CONTAINER = models). */
  readonly container: string;
  readonly inspector: ModelInspector;
  readonly now?: () => Date;
  /**
   * The largest model.onnx kept in its version row, card included, instead of two blobs: registering
   * and loading such a version costs no blob call (thousands of small per-key models). Default 32 KiB,
   * at most 48 KiB (a table property holds 64 KiB); 0 keeps every version's files in blobs.
   */
  readonly maxRowModelBytes?: number;
}

/** What a registration is given: the model file and a card (name and version come from the registry). */
export interface RegistrationRequest {
  readonly name: string;
  readonly onnx: Buffer;
  /** The card as sent (JSON); checked here. */
  readonly card?: unknown;
  readonly producer?: string;
  /**
   * Makes the registration idempotent: a registration with a key already used returns the version
   * registered with it (`existing: true`) instead of adding one, even when both run at once. The key
   * is checked when the version's rows are written (no read before): a repeat uses up a number.
   */
  readonly idempotencyKey?: string;
}

export interface RegisteredVersion extends ModelVersionInfo {
  readonly card: ModelCard;
  /** Set when an idempotent registration found the version registered earlier with its key. */
  readonly existing?: true;
}

/** A model's head row and what it says, plus its versions and audit trail. */
export interface ModelOverview {
  readonly name: string;
  readonly latestVersion: number;
  readonly production?: number;
  readonly staging?: number;
  readonly previousProduction?: number;
}

export interface StageChange {
  readonly name: string;
  readonly audit: AuditRecord;
}

const maxReserveAttempts = 50;
/** Rows one table transaction may hold. */
const transactionLimit = 100;
/** Estimated request bytes per transaction: half the service's 4 MiB, for encoding overheads. */
const transactionBytesLimit = 2 * 1024 * 1024;
export const defaultMaxRowModelBytes = 32 * 1024;
const maxRowModelBytesCeiling = 48 * 1024;
/** A card kept in its row is a string property: at most 32K UTF-16 code units there; keep a margin. */
const maxRowCardLength = 30_000;
const maxStageAttempts = 10;

/**
 * The model registry: a table (one partition per model: head, versions, tag index, audit) and blobs.
 * Versions are numbered by an ETag-checked head update, written once, and checked against their
 * SHA-256 on every load; stage changes are one transaction with their audit record.
 */
export class ModelRegistry {
  readonly #table: RegistryTable;
  readonly #blobs: RegistryBlobs;
  readonly #inspector: ModelInspector;
  readonly #now: () => Date;
  readonly #maxRowModelBytes: number;
  /** Per model name, the head row as this registry last wrote it (ETag included). */
  readonly #heads = new Map<string, HeadRow>();

  constructor(options: ModelRegistryOptions) {
    this.#table = new RegistryTable(options.storage, options.table);
    this.#blobs = new RegistryBlobs(options.storage, options.container);
    this.#inspector = options.inspector;
    this.#now = options.now ?? (() => new Date());
    this.#maxRowModelBytes = Math.min(
      Math.max(0, options.maxRowModelBytes ?? defaultMaxRowModelBytes),
      maxRowModelBytesCeiling,
    );
  }

  /**
   * Registers a new version: the file is loaded with onnxruntime first (nothing is written for a file
   * it refuses), then a number is reserved, the files are written (as blobs, unless they fit in the
   * version row), and the version row with its tag index rows is inserted in one transaction. A crash
   * between the steps leaves an unused number.
   */
  async register(request: RegistrationRequest): Promise<RegisteredVersion> {
    const [outcome] = await this.registerAll(request.name, [request]);
    if (outcome!.status === 'rejected') throw outcome!.reason;
    return outcome!.value;
  }

  /**
   * Registers several versions of one model as `register` does each, with one head update for all
   * their numbers and their rows in as few transactions as fit (whole versions per transaction): the
   * storage calls of a batch of keys' models. Each request settles on its own, in request order; a
   * request that fails leaves the others registered (and at most an unused number).
   */
  async registerAll(
    name: string,
    requests: readonly RegistrationRequest[],
  ): Promise<PromiseSettledResult<RegisteredVersion>[]> {
    checkName(name);
    const outcomes = new Array<PromiseSettledResult<RegisteredVersion> | undefined>(requests.length);
    const prepared = await Promise.all(
      requests.map(async (request, index) => {
        try {
          if (request.name !== name)
            throw new ValidationError(`registerAll("${name}") was given a version of "${request.name}".`, {
              field: 'name',
            });
          const draft = prepareCard(name, request.card, request.onnx, request.producer);
          const signature = cardSignature(await this.#inspector.inspect(request.onnx, name));
          return { index, request, draft, signature };
        } catch (error) {
          outcomes[index] = { status: 'rejected', reason: error };
          return undefined;
        }
      }),
    );
    const pending = prepared.filter((entry) => entry !== undefined);
    let first = 0;
    if (pending.length > 0) {
      try {
        first = await this.#reserveVersions(name, pending.length);
      } catch (error) {
        for (const { index } of pending) outcomes[index] = { status: 'rejected', reason: error };
        pending.length = 0;
      }
    }
    if (pending.length > 0) {
      const createdAt = this.#now().toISOString();
      const written = await Promise.all(
        pending.map(async ({ index, request, draft, signature }, offset) => {
          try {
            const card = { ...draft, version: first + offset, stage: 'None', signature, createdAt };
            const rows = await this.#storeFiles(name, request.onnx, card, 'None', request.idempotencyKey);
            return { index, request, ...rows };
          } catch (error) {
            outcomes[index] = { status: 'rejected', reason: error };
            return undefined;
          }
        }),
      );
      await this.#insertVersions(
        written.filter((entry) => entry !== undefined),
        outcomes,
      );
    }
    return outcomes.map(
      (outcome) => outcome ?? { status: 'rejected', reason: new Error(`${name}: a registration was lost`) },
    );
  }

  /** The version registered with an idempotency key (point reads only), if any. */
  async versionWithKey(name: string, key: string): Promise<RegisteredVersion | undefined> {
    const version = await this.#table.versionWithKey(name, key);
    if (version === undefined) return undefined;
    return { ...(await this.version({ name, version })), existing: true };
  }

  /**
   * Registers a bundled model as version 1 of a name the registry does not have, with the stage its
   * card gives. Safe to run concurrently and again: the head row is created by one caller only, and
   * any caller finishes writing version 1 if the bytes are the same.
   */
  async seed(name: string, onnx: Buffer, bundledCard: ModelCard, by: string): Promise<void> {
    const stage = bundledCard.stage === undefined ? 'None' : parseModelStage(bundledCard.stage, 'stage');
    const draft = prepareCard(name, { ...bundledCard, stage: undefined }, onnx, by);
    const signature = cardSignature(await this.#inspector.inspect(onnx, name));
    let head = await this.#table.head(name);
    if (!head) {
      const at = this.#now().toISOString();
      const audit: AuditRecord = {
        sequence: 1,
        action: 'seed',
        version: 1,
        stage,
        previousStage: 'None',
        displaced: [],
        by,
        reason: 'seeded from the bundled models folder',
        at,
      };
      const seeded: Omit<HeadRow, 'etag'> = {
        latestVersion: 1,
        production: stage === 'Production' ? 1 : undefined,
        staging: stage === 'Staging' ? 1 : undefined,
        auditCount: stage === 'None' ? 0 : 1,
        seedSha256: draft.sha256,
      };
      const actions: TransactionAction[] = [['create', headToEntity(name, seeded)]];
      if (stage !== 'None') actions.push(['create', auditToEntity(name, audit)]);
      await this.#table.transact(actions);
      head = await this.#table.head(name);
    }
    if (head?.seedSha256 !== draft.sha256 || (await this.#table.version(name, 1))) return;
    const createdAt = bundledCard.createdAt ?? this.#now().toISOString();
    await this.#writeVersion(name, onnx, { ...draft, version: 1, stage, signature, createdAt }, stage);
  }

  resolve(ref: string | ModelQuery): Promise<ModelVersionInfo> {
    return resolveVersion(this.#table, ref);
  }

  /**
   * The version's files, refused unless their SHA-256 is the one it was registered with: one point
   * read of the version row for files kept there, two blob reads otherwise.
   */
  async load(info: VersionToLoad): Promise<VerifiedModel> {
    if (info.files !== 'blobs') {
      const stored = await this.#table.versionFiles(info.name, info.version);
      if (stored?.files === 'row') {
        const place = this.#rowPlace(info.name, info.version);
        verifyOnnx(info, stored.onnx, `${place} (model.onnx)`);
        const card = parseStoredCard(stored.card, `${place} (card)`);
        verifyCard(info, card, `${place} (card)`);
        return { onnx: stored.onnx, card };
      }
      if (stored === undefined && info.files === 'row')
        throw new NotFoundError(`Model ${info.name}@${info.version}: its version row is missing.`);
    }
    return this.#blobs.load(info);
  }

  /**
   * Every written version of a model (with its tags and stage) and the head's latest version number:
   * one range of the model's partition, for callers that pick many versions at once (keyed scoring).
   */
  async catalog(name: string): Promise<{ latestVersion: number; versions: ModelVersionInfo[] }> {
    checkName(name);
    const head = await this.#table.head(name);
    if (!head) throw new NotFoundError(`Model "${name}" is not registered.`);
    return {
      latestVersion: head.latestVersion,
      versions: await this.#table.versions(name, 1, head.latestVersion),
    };
  }

  /**
   * The versions carrying every one of the tags (in the stage, if given), newest first, through the tag
   * index: the cost follows the rarest tag's versions, not the model's (see versionsTagged).
   */
  versionsTagged(
    name: string,
    tags: Readonly<Record<string, string>>,
    stage?: ModelStage,
  ): Promise<ModelVersionInfo[]> {
    checkName(name);
    return versionsTagged(this.#table, name, tags, stage);
  }

  async exists(name: string): Promise<boolean> {
    return (await this.#table.head(name)) !== undefined;
  }

  async list(): Promise<ModelOverview[]> {
    return (await this.#table.heads()).map(({ name, head }) => overviewOf(name, head));
  }

  async model(name: string): Promise<ModelOverview & { versions: ModelVersionInfo[]; audit: AuditRecord[] }> {
    checkName(name);
    const head = await this.#table.head(name);
    if (!head) throw new NotFoundError(`Model "${name}" is not registered.`);
    const [versions, audit] = await Promise.all([this.#table.versions(name), this.#table.audit(name)]);
    return { ...overviewOf(name, head), versions, audit };
  }

  async version(ref: string | ModelQuery): Promise<RegisteredVersion> {
    const info = await this.resolve(ref);
    return { ...info, card: { ...(await this.#card(info)), stage: info.stage } };
  }

  async #card(info: ModelVersionInfo): Promise<ModelCard> {
    if (info.files === 'blobs') return this.#blobs.card(info.name, info.version);
    const stored = await this.#table.versionFiles(info.name, info.version);
    if (stored?.files !== 'row')
      throw new NotFoundError(`Model ${info.name}@${info.version}: its version row lacks its card.`);
    return parseStoredCard(stored.card, `${this.#rowPlace(info.name, info.version)} (card)`);
  }

  #rowPlace(name: string, version: number): string {
    return `table ${this.#table.name}, version row ${name}@${version}`;
  }

  /**
   * Writes a new version's files (blobs, unless they fit in its version row) and returns the rows that
   * insert it.
   */
  async #storeFiles(
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

  /** Moves a version to a stage (see planStageChange); one transaction with its audit record. */
  setStage(name: string, version: number, stage: ModelStage, actor: StageActor): Promise<StageChange> {
    return this.#changeStage(name, actor, 'promote', async () => {
      const target = await this.#table.version(name, version);
      if (!target) throw new NotFoundError(`Model "${name}" has no version ${version}.`);
      return { target, stage };
    });
  }

  /** Puts the previous production version back in Production (the current one is archived). */
  rollback(name: string, actor: StageActor): Promise<StageChange> {
    return this.#changeStage(name, actor, 'rollback', async (head) => {
      if (head.previousProduction === undefined)
        throw new ConflictError(`Model "${name}" has no previous production version to roll back to.`);
      const target = await this.#table.version(name, head.previousProduction);
      if (!target) throw new NotFoundError(`Model "${name}" has no version ${head.previousProduction}.`);
      return { target, stage: 'Production' };
    });
  }

  async #changeStage(
    name: string,
    actor: StageActor,
    action: 'promote' | 'rollback',
    pick: (head: HeadRow) => Promise<{ target: ModelVersionInfo; stage: ModelStage }>,
  ): Promise<StageChange> {
    checkName(name);
    if (actor.reason.trim() === '')
      throw new ValidationError('Give a reason for the stage change.', { field: 'reason' });
    for (let attempt = 1; ; attempt++) {
      const head = await this.#table.head(name);
      if (!head) throw new NotFoundError(`Model "${name}" is not registered.`);
      const { target, stage } = await pick(head);
      const at = this.#now().toISOString();
      const plan = planStageChange(head, target, stage, { ...actor, action, at });
      const actions: TransactionAction[] = [
        ['update', headToEntity(name, plan.head), 'Replace', { etag: head.etag }],
        ...plan.moves.map((move): TransactionAction => [
          'update',
          { partitionKey: name, rowKey: versionRowKey(move.version), stage: move.to, stageChangedAt: at },
          'Merge',
        ]),
        ['create', auditToEntity(name, plan.audit)],
      ];
      if ((await this.#table.transact(actions)) === 'committed') return { name, audit: plan.audit };
      const now = await this.#table.head(name);
      // Only a registration moved the head (a new number): the stages are as read, so try again.
      if (now && now.auditCount === head.auditCount && attempt < maxStageAttempts) continue;
      throw await this.#conflict(name, target.version, stage, head.auditCount);
    }
  }

  async #conflict(name: string, version: number, stage: ModelStage, seenAuditCount: number) {
    const since = (await this.#table.audit(name)).filter((record) => record.sequence > seenAuditCount);
    const what = since
      .map(
        (record) =>
          `${name}@${record.version} went from ${record.previousStage} to ${record.stage} (${record.action} by ${record.by} at ${record.at}: ${record.reason})`,
      )
      .join('; ');
    return new ConflictError(
      `Moving ${name}@${version} to ${stage} lost a race with another stage change of ${name}: ${what || 'the model changed'}. ` +
        'Nothing was changed by this request; look at the model again and repeat it if it still makes sense.',
    );
  }

  /**
   * Reserves `count` consecutive version numbers (returns the first) by moving the head row's
   * latestVersion under its ETag. The head this registry last wrote is tried first (no read per
   * registration); any other writer changes the ETag, and the head is then read again.
   */
  async #reserveVersions(name: string, count: number): Promise<number> {
    for (let attempt = 1; attempt <= maxReserveAttempts; attempt++) {
      const known = this.#heads.get(name);
      const head = known ?? (await this.#table.head(name));
      const first = (head?.latestVersion ?? 0) + 1;
      const latestVersion = first + count - 1;
      const row = head ? { ...withoutEtag(head), latestVersion } : { latestVersion, auditCount: 0 };
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
  async #insertVersions(
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
        const earlier = await this.versionWithKey(info.name, request.idempotencyKey);
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

  async #writeVersion(
    name: string,
    onnx: Buffer,
    draft: ModelCard,
    stage: ModelStage,
  ): Promise<RegisteredVersion> {
    const { info, actions } = await this.#storeFiles(name, onnx, draft, stage);
    // 'exists': a concurrent seeder wrote the same version first.
    if ((await this.#table.transact(actions)) === 'stale')
      throw new Error(`${name}@${info.version}: the version row could not be written.`);
    return info;
  }
}

/** A version as registered, and the rows that insert it: its version row, tag index rows, idempotency row. */
interface VersionRows {
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

function checkName(name: string): void {
  if (!modelNamePattern.test(name))
    throw new ValidationError(`"${name}" is not a model name (letters, digits, ".", "_" or "-").`, {
      field: 'name',
    });
}

function overviewOf(name: string, head: HeadRow): ModelOverview {
  return {
    name,
    latestVersion: head.latestVersion,
    production: head.production,
    staging: head.staging,
    previousProduction: head.previousProduction,
  };
}

/** The signature as the card stores it. */
function cardSignature(signature: ModelSignature): NonNullable<ModelCard['signature']> {
  const copy = (values: ModelSignature['inputs']) =>
    values.map((value) => ({ ...value, shape: [...value.shape] }));
  return { inputs: copy(signature.inputs), outputs: copy(signature.outputs) };
}

function withoutEtag(head: HeadRow): Omit<HeadRow, 'etag'> {
  const rest: { -readonly [K in keyof HeadRow]?: HeadRow[K] } = { ...head };
  delete rest.etag;
  return rest as Omit<HeadRow, 'etag'>;
}
