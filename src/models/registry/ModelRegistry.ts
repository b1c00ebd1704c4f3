import type { TransactionAction } from '@azure/data-tables';
import { ConflictError, NotFoundError, ValidationError } from '../../errors';
import type { ModelSignature } from '../../runtime/inference/readModelSignature';
import type { StorageClients } from '../../storage/StorageClients';
import { checkModelName, type ModelCard } from '../../runtime/models/ModelCard';
import type { ModelInspector } from './ModelInspector';
import { parseModelStage, type ModelStage } from './ModelStage';
import type { StageActor } from './planStageChange';
import { checkCardFitsSignature, prepareCard } from './prepareCard';
import type { RegisteredVersion, RegistrationRequest } from './Registration';
import { RegistryBlobs } from './RegistryBlobs';
import {
  auditToEntity,
  headToEntity,
  type AuditRecord,
  type HeadRow,
  type KeyStages,
  type ModelVersionInfo,
  type VersionToLoad,
} from './registryRows';
import { RegistryTable } from './RegistryTable';
import { resolveVersion, versionsTagged, type ModelQuery } from './resolveVersion';
import type { VerifiedModel } from './verifyVersionFiles';

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

/** A model's head row and what it says, plus its versions and audit trail. */
export interface ModelOverview {
  readonly name: string;
  readonly latestVersion: number;
  /** Tag columns making a version's key: the stages are per key then (see `keys`), not the model's. */
  readonly partitionBy?: readonly string[];
  readonly production?: number;
  readonly staging?: number;
  readonly previousProduction?: number;
}

import { changeStage, type StageChange } from './changeStage';
import { VersionFilesReader } from './VersionFilesReader';
import { VersionWriter } from './VersionWriter';

export type { StageChange } from './changeStage';
export type { RegisteredVersion, RegistrationRequest } from './Registration';

export const defaultMaxRowModelBytes = 32 * 1024;
const maxRowModelBytesCeiling = 48 * 1024;

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
  readonly #writer: VersionWriter;
  readonly #files: VersionFilesReader;

  constructor(options: ModelRegistryOptions) {
    this.#table = new RegistryTable(options.storage, options.table);
    this.#blobs = new RegistryBlobs(options.storage, options.container);
    this.#inspector = options.inspector;
    this.#now = options.now ?? (() => new Date());
    this.#files = new VersionFilesReader(this.#table, this.#blobs);
    this.#writer = new VersionWriter({
      table: this.#table,
      blobs: this.#blobs,
      maxRowModelBytes: Math.min(
        Math.max(0, options.maxRowModelBytes ?? defaultMaxRowModelBytes),
        maxRowModelBytesCeiling,
      ),
      versionWithKey: (name, key) => this.versionWithKey(name, key),
    });
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
    checkModelName(name);
    const partitionBy = partitionByOf(name, requests);
    const outcomes = new Array<PromiseSettledResult<RegisteredVersion> | undefined>(requests.length);
    const drafted = requests.flatMap((request, index) => {
      try {
        if (request.name !== name)
          throw new ValidationError(`registerAll("${name}") was given a version of "${request.name}".`, {
            field: 'name',
          });
        const draft = prepareCard(name, request.card, request.onnx, request.producer);
        const missing = (partitionBy ?? []).filter((column) => draft.tags[column] === undefined);
        if (missing.length > 0)
          throw new ValidationError(
            `A version of "${name}" (per ${partitionBy!.join(' × ')}) needs the tag${missing.length === 1 ? '' : 's'} ${missing.join(', ')}: its key.`,
            { field: 'card.tags' },
          );
        return [{ index, request, draft }];
      } catch (error) {
        outcomes[index] = { status: 'rejected', reason: error };
        return [];
      }
    });
    // Every file is loaded with onnxruntime before anything is written (one worker task for the batch).
    const inspected =
      drafted.length === 1
        ? [await this.#inspector.inspect(drafted[0]!.request.onnx, name).then(fulfilled, rejected)]
        : await this.#inspector.inspectAll(
            drafted.map((entry) => entry.request.onnx),
            name,
          );
    const pending = drafted.flatMap((entry, i) => {
      try {
        const outcome = inspected[i]!;
        if (outcome.status === 'rejected') throw outcome.reason;
        checkCardFitsSignature(entry.draft, outcome.value);
        return [{ ...entry, signature: cardSignature(outcome.value) }];
      } catch (error) {
        outcomes[entry.index] = { status: 'rejected', reason: error };
        return [];
      }
    });
    let first = 0;
    if (pending.length > 0) {
      try {
        first = await this.#writer.reserveVersions(name, pending.length, partitionBy);
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
            const rows = await this.#writer.storeFiles(
              name,
              request.onnx,
              card,
              'None',
              request.idempotencyKey,
            );
            return { index, request, ...rows };
          } catch (error) {
            outcomes[index] = { status: 'rejected', reason: error };
            return undefined;
          }
        }),
      );
      await this.#writer.insertVersions(
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
    await this.#writer.writeVersion(name, onnx, { ...draft, version: 1, stage, signature, createdAt }, stage);
  }

  resolve(ref: string | ModelQuery): Promise<ModelVersionInfo> {
    // A reference given as text is checked as it is parsed; a query's name is checked here.
    if (typeof ref !== 'string') checkModelName(ref.name);
    return resolveVersion(this.#table, ref);
  }

  /**
   * The version's files, refused unless their SHA-256 is the one it was registered with: one point
   * read of the version row for files kept there, two blob reads otherwise.
   */
  load(info: VersionToLoad): Promise<VerifiedModel> {
    return this.#files.load(info);
  }

  /**
   * Every written version of a model (with its tags and stage) and the head's latest version number:
   * one range of the model's partition, for callers that pick many versions at once (keyed scoring).
   */
  async catalog(name: string): Promise<{ latestVersion: number; versions: ModelVersionInfo[] }> {
    checkModelName(name);
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
    checkModelName(name);
    return versionsTagged(this.#table, name, tags, stage);
  }

  async exists(name: string): Promise<boolean> {
    return (await this.#table.head(name)) !== undefined;
  }

  async list(): Promise<ModelOverview[]> {
    return (await this.#table.heads()).map(({ name, head }) => overviewOf(name, head));
  }

  /** The model, its versions and audit trail, and for a per-key model each key's stages (`keys`). */
  async model(
    name: string,
  ): Promise<ModelOverview & { versions: ModelVersionInfo[]; audit: AuditRecord[]; keys?: KeyStages[] }> {
    checkModelName(name);
    const head = await this.#table.head(name);
    if (!head) throw new NotFoundError(`Model "${name}" is not registered.`);
    const [versions, audit, keys] = await Promise.all([
      this.#table.versions(name),
      this.#table.audit(name),
      head.partitionBy ? this.#table.allKeyStages(name) : undefined,
    ]);
    return { ...overviewOf(name, head), versions, audit, ...(keys ? { keys } : {}) };
  }

  /**
   * The stages of one key of a per-key model (`undefined` before its first stage change); a
   * ValidationError for a model that is not per key or a key missing a column.
   */
  async keyStages(name: string, key: Readonly<Record<string, string>>): Promise<KeyStages | undefined> {
    checkModelName(name);
    const head = await this.#table.head(name);
    if (!head) throw new NotFoundError(`Model "${name}" is not registered.`);
    const partitionBy = requirePartitionBy(name, head);
    return this.#table.keyStages(name, partitionBy, checkKey(name, partitionBy, key));
  }

  async version(ref: string | ModelQuery): Promise<RegisteredVersion> {
    const info = await this.resolve(ref);
    return { ...info, card: { ...(await this.#files.card(info)), stage: info.stage } };
  }

  /** Moves a version to a stage (see planStageChange); one transaction with its audit record. */
  setStage(name: string, version: number, stage: ModelStage, actor: StageActor): Promise<StageChange> {
    return this.#changeStage(name, actor, 'promote', async () => {
      const target = await this.#table.version(name, version);
      if (!target) throw new NotFoundError(`Model "${name}" has no version ${version}.`);
      return { target, stage };
    });
  }

  /**
   * Puts the previous production version back in Production (the current one is archived); for a
   * per-key model, the previous production version of `key`, which must then be given.
   */
  rollback(name: string, actor: StageActor, key?: Readonly<Record<string, string>>): Promise<StageChange> {
    return this.#changeStage(name, actor, 'rollback', async (head) => {
      let previous = head.previousProduction;
      let whose = `Model "${name}"`;
      if (head.partitionBy) {
        if (key === undefined)
          throw new ValidationError(
            `Model "${name}" has one production version per ${head.partitionBy.join(' × ')}: give the key to roll back (e.g. "key": { ${head.partitionBy.map((column) => `"${column}": "..."`).join(', ')} }).`,
            { field: 'key' },
          );
        const stages = await this.#table.keyStages(
          name,
          head.partitionBy,
          checkKey(name, head.partitionBy, key),
        );
        previous = stages?.previousProduction;
        whose = `The key ${keyText(key)} of model "${name}"`;
      } else if (key !== undefined)
        throw new ValidationError(`Model "${name}" is not per key: roll it back without a key.`, {
          field: 'key',
        });
      if (previous === undefined)
        throw new ConflictError(`${whose} has no previous production version to roll back to.`);
      const target = await this.#table.version(name, previous);
      if (!target) throw new NotFoundError(`Model "${name}" has no version ${previous}.`);
      return { target, stage: 'Production' };
    });
  }

  #changeStage(
    name: string,
    actor: StageActor,
    action: 'promote' | 'rollback',
    pick: (head: HeadRow) => Promise<{ target: ModelVersionInfo; stage: ModelStage }>,
  ): Promise<StageChange> {
    checkModelName(name);
    return changeStage(this.#table, this.#now, name, actor, action, pick);
  }
}

function overviewOf(name: string, head: HeadRow): ModelOverview {
  return {
    name,
    latestVersion: head.latestVersion,
    ...(head.partitionBy ? { partitionBy: head.partitionBy } : {}),
    production: head.production,
    staging: head.staging,
    previousProduction: head.previousProduction,
  };
}

/** The `partitionBy` the requests declare (they must agree), if any. */
function partitionByOf(
  name: string,
  requests: readonly RegistrationRequest[],
): readonly string[] | undefined {
  const declared = requests.find((request) => request.partitionBy !== undefined)?.partitionBy;
  if (declared === undefined) return undefined;
  if (declared.length === 0 || declared.some((column) => column === ''))
    throw new ValidationError(`partitionBy of "${name}" must name one or more tag columns.`, {
      field: 'partitionBy',
    });
  if (requests.some((request) => request.partitionBy?.join('\u0000') !== declared.join('\u0000')))
    throw new ValidationError(
      `The versions of "${name}" registered together declare different partitionBy.`,
      {
        field: 'partitionBy',
      },
    );
  return declared;
}

function requirePartitionBy(name: string, head: HeadRow): readonly string[] {
  if (!head.partitionBy)
    throw new ValidationError(`Model "${name}" is not per key: its stages are the whole model's.`, {
      field: 'key',
    });
  return head.partitionBy;
}

/** The key's values in the model's columns; a missing column is a ValidationError. */
function checkKey(
  name: string,
  partitionBy: readonly string[],
  key: Readonly<Record<string, string>>,
): Record<string, string> {
  const missing = partitionBy.filter((column) => typeof key[column] !== 'string');
  if (missing.length > 0)
    throw new ValidationError(
      `The key of "${name}" needs ${partitionBy.join(', ')}; it lacks ${missing.join(', ')}.`,
      { field: 'key' },
    );
  return Object.fromEntries(partitionBy.map((column) => [column, key[column]!]));
}

function keyText(key: Readonly<Record<string, string>>): string {
  return Object.entries(key)
    .map(([column, value]) => `${column}=${value}`)
    .join(', ');
}

const fulfilled = <T>(value: T): PromiseSettledResult<T> => ({ status: 'fulfilled', value });
const rejected = (reason: unknown): PromiseSettledResult<never> => ({ status: 'rejected', reason });

/** The signature as the card stores it. */
function cardSignature(signature: ModelSignature): NonNullable<ModelCard['signature']> {
  const copy = (values: ModelSignature['inputs']) =>
    values.map((value) => ({ ...value, shape: [...value.shape] }));
  return { inputs: copy(signature.inputs), outputs: copy(signature.outputs) };
}
