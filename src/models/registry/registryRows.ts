import { ValidationError } from '../../errors';
import type { ModelStage } from './ModelStage';
import type { PinnedModel, VersionFiles } from '../../runtime/models/LoadedModel';

/**
 * Row keys of the registry table. Every row of a model lives in the partition named after it, so a
 * promotion (head, versions, audit) is one transaction. Version keys are digits, the others start
 * with a letter, so range queries keep the kinds apart.
 */
export const headRowKey = 'head';

/** Zero-padded so that row keys sort as numbers. */
export function versionRowKey(version: number): string {
  return String(version).padStart(10, '0');
}

export const firstVersionRowKey = versionRowKey(0);
export const lastVersionRowKey = '9999999999';

export function auditRowKey(sequence: number): string {
  return `audit|${String(sequence).padStart(10, '0')}`;
}

/**
 * Idempotency rows: `once|<key>` → the version registered with that key, created in the version's
 * transaction, so a second registration with the key cannot add a version and is found by a point read.
 */
export function onceRowKey(key: string): string {
  return `once|${encodeURIComponent(key)}`;
}

/** Tag index rows: `tag|<key>=<value>|<version>`, key and value URI-encoded so `|`, `=`, `/` or `#` cannot clash. */
export function tagRowPrefix(key: string, value: string): string {
  return `tag|${encodeURIComponent(key)}=${encodeURIComponent(value)}|`;
}

export function tagRowKey(key: string, value: string, version: number): string {
  return tagRowPrefix(key, value) + versionRowKey(version);
}

/** Per-key stage rows of a model declaring `partitionBy`: `stage|<value>|<value>...`, values URI-encoded. */
export const keyStagesRowPrefix = 'stage|';

/**
 * The key of a version of a model declaring `partitionBy`: its tag values for those columns. A version
 * lacking one of them belongs to no key; its stage cannot change (a ValidationError naming the tags).
 */
export function versionKeyOf(
  name: string,
  partitionBy: readonly string[],
  version: { readonly version: number; readonly tags: Readonly<Record<string, string>> },
): Record<string, string> {
  const missing = partitionBy.filter((column) => version.tags[column] === undefined);
  if (missing.length > 0)
    throw new ValidationError(
      `${name}@${version.version} has no ${missing.join(', ')} tag${missing.length === 1 ? '' : 's'}: "${name}" keeps one production version per ${partitionBy.join(' × ')}, and a version's key is its tags for those columns.`,
      { field: 'version' },
    );
  return Object.fromEntries(partitionBy.map((column) => [column, version.tags[column]!]));
}

export function keyStagesRowKey(
  partitionBy: readonly string[],
  key: Readonly<Record<string, string>>,
): string {
  return keyStagesRowPrefix + partitionBy.map((column) => encodeURIComponent(key[column] ?? '')).join('|');
}

/** The versions holding the single-version stages: the whole model's (head row) or one key's. */
export interface StagePointers {
  readonly production?: number;
  readonly previousProduction?: number;
  readonly staging?: number;
}

/** One key's stages, for a model declaring `partitionBy` (its head row holds no production then). */
export interface KeyStages extends StagePointers {
  readonly key: Readonly<Record<string, string>>;
}

/**
 * The head row of a model: the last reserved version number and which versions hold the single-version
 * stages. Every change of it is ETag-checked, which serialises numbering and promotions per model.
 */
export interface HeadRow {
  readonly latestVersion: number;
  /**
   * Tag columns that make a version's key (set when a per-key trainer first registers): stages are then
   * per key (one production version per key, in the key's stage row) and the head holds none.
   */
  readonly partitionBy?: readonly string[];
  readonly production?: number;
  readonly previousProduction?: number;
  readonly staging?: number;
  /** Number of audit records; the next one gets `auditCount + 1`. */
  readonly auditCount: number;
  /** SHA-256 of the bundled model this name was seeded from (version 1), until that version is written. */
  readonly seedSha256?: string;
  readonly etag: string;
}

/**
 * Where a version's model.onnx and model.json are kept: in its version row (small models: no blob
 * per version to write or read) or as blobs `<container>/<name>/<version>/`.
 */
/** A version to load: what a pinned reference knows; `files` saves a read when known. */
export type VersionToLoad = PinnedModel;

/** A registered version as the table holds it (its card holds the rest). */
export interface ModelVersionInfo {
  readonly name: string;
  readonly version: number;
  readonly stage: ModelStage;
  readonly files: VersionFiles;
  readonly sha256: string;
  readonly bytes: number;
  readonly createdAt: string;
  readonly stageChangedAt?: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly metrics: Readonly<Record<string, number>>;
  readonly description?: string;
  readonly producer?: string;
  readonly parentVersion?: number;
  readonly trainingData?: string;
  readonly trainingSha256?: string;
}

/** One stage change, written in the same transaction as the change itself. */
export interface AuditRecord {
  readonly sequence: number;
  readonly action: 'promote' | 'rollback' | 'seed';
  readonly version: number;
  readonly stage: ModelStage;
  readonly previousStage: ModelStage;
  /** The key whose stages changed, for a model declaring `partitionBy`. */
  readonly key?: Readonly<Record<string, string>>;
  /** The production version (of the key, for a per-key model) before this change. */
  readonly previousProduction?: number;
  /** Other versions this change moved, e.g. the production version it archived. */
  readonly displaced: readonly { version: number; from: ModelStage; to: ModelStage }[];
  readonly by: string;
  readonly reason: string;
  readonly at: string;
}

type Entity = Record<string, unknown>;

export function headFromEntity(entity: Entity & { etag: string }): HeadRow {
  return {
    latestVersion: Number(entity.latestVersion ?? 0),
    ...(typeof entity.partitionBy === 'string'
      ? { partitionBy: JSON.parse(entity.partitionBy) as string[] }
      : {}),
    production: optionalNumber(entity.production),
    previousProduction: optionalNumber(entity.previousProduction),
    staging: optionalNumber(entity.staging),
    auditCount: Number(entity.auditCount ?? 0),
    seedSha256: optionalString(entity.seedSha256),
    etag: entity.etag,
  };
}

/** The head as an entity to write with Replace (a field left out is removed). */
export function headToEntity(name: string, head: Omit<HeadRow, 'etag'>) {
  return withoutUndefined({
    partitionKey: name,
    rowKey: headRowKey,
    ...head,
    partitionBy: head.partitionBy && JSON.stringify(head.partitionBy),
  });
}

export function keyStagesFromEntity(entity: Entity): KeyStages {
  return {
    key: JSON.parse(textOf(entity.key, '{}')) as Record<string, string>,
    production: optionalNumber(entity.production),
    previousProduction: optionalNumber(entity.previousProduction),
    staging: optionalNumber(entity.staging),
  };
}

/** A key's stage row as an entity to write with Replace (a stage left out is removed). */
export function keyStagesToEntity(name: string, partitionBy: readonly string[], stages: KeyStages) {
  return withoutUndefined({
    partitionKey: name,
    rowKey: keyStagesRowKey(partitionBy, stages.key),
    key: JSON.stringify(stages.key),
    production: stages.production,
    previousProduction: stages.previousProduction,
    staging: stages.staging,
  });
}

/**
 * The version row's columns that describe it, without the model and card a row may also hold: what
 * listings and resolution read (`select`), so their cost does not grow with model size.
 */
export const versionInfoColumns = [
  'partitionKey',
  'rowKey',
  'version',
  'stage',
  'files',
  'sha256',
  'bytes',
  'createdAt',
  'stageChangedAt',
  'tags',
  'metrics',
  'description',
  'producer',
  'parentVersion',
  'trainingData',
  'trainingSha256',
];

/** The columns of a version row that hold its files when they are kept there. */
export const versionFileColumns = ['files', 'onnx', 'card'];

export function versionFromEntity(entity: Entity): ModelVersionInfo {
  return {
    name: String(entity.partitionKey),
    version: Number(entity.version),
    stage: String(entity.stage) as ModelStage,
    // Rows written before files could be kept in rows have no column: their files are blobs.
    files: entity.files === 'row' ? 'row' : 'blobs',
    sha256: String(entity.sha256),
    bytes: Number(entity.bytes),
    createdAt: String(entity.createdAt),
    stageChangedAt: optionalString(entity.stageChangedAt),
    tags: JSON.parse(textOf(entity.tags, '{}')) as Record<string, string>,
    metrics: JSON.parse(textOf(entity.metrics, '{}')) as Record<string, number>,
    description: optionalString(entity.description),
    producer: optionalString(entity.producer),
    parentVersion: optionalNumber(entity.parentVersion),
    trainingData: optionalString(entity.trainingData),
    trainingSha256: optionalString(entity.trainingSha256),
  };
}

/** The version row; `files` holds model.onnx and the card's JSON when `info.files` is 'row'. */
export function versionToEntity(info: ModelVersionInfo, files?: { onnx: Uint8Array; card: string }) {
  return withoutUndefined({
    partitionKey: info.name,
    rowKey: versionRowKey(info.version),
    ...info,
    name: undefined,
    tags: JSON.stringify(info.tags),
    metrics: JSON.stringify(info.metrics),
    onnx: files?.onnx,
    card: files?.card,
  });
}

export function auditFromEntity(entity: Entity): AuditRecord {
  return {
    sequence: Number(entity.sequence),
    action: String(entity.action) as AuditRecord['action'],
    version: Number(entity.version),
    stage: String(entity.stage) as ModelStage,
    previousStage: String(entity.previousStage) as ModelStage,
    ...(typeof entity.key === 'string' ? { key: JSON.parse(entity.key) as Record<string, string> } : {}),
    previousProduction: optionalNumber(entity.previousProduction),
    displaced: JSON.parse(textOf(entity.displaced, '[]')) as AuditRecord['displaced'],
    by: String(entity.by),
    reason: String(entity.reason),
    at: String(entity.at),
  };
}

export function auditToEntity(name: string, record: AuditRecord) {
  return withoutUndefined({
    partitionKey: name,
    rowKey: auditRowKey(record.sequence),
    ...record,
    key: record.key && JSON.stringify(record.key),
    displaced: JSON.stringify(record.displaced),
  });
}

function optionalNumber(value: unknown): number | undefined {
  return value === undefined || value === null ? undefined : Number(value);
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function textOf(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}

function withoutUndefined<T extends { partitionKey: string; rowKey: string }>(entity: T): T {
  for (const key of Object.keys(entity))
    if (entity[key as keyof T] === undefined) delete entity[key as keyof T];
  return entity;
}
