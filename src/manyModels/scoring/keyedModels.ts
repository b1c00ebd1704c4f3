import type { FeatureMapping } from '../../runtime/inference/mapFeatures';
import type { PinnedModel, VersionFiles } from '../../runtime/models/LoadedModel';
import type { ModelVersionSummary } from '../../runtime/models/ModelStore';
import type { KeyedModelSpec, ModelPlan } from '../../scoring';

/** The output column naming the model version that scored each row of a keyed job (`name@version`). */
export const scoredByColumn = 'scored_by';

/** What a row whose key has no model gets. */
export type KeyedFallback =
  | { readonly kind: 'error' }
  | {
      readonly kind: 'model';
      readonly model: PinnedModel;
      /** How the input's columns feed the fallback model (checked against the input when planned). */
      readonly mapping: FeatureMapping;
    };

/** How a keyed ("many models") job picks and feeds each row's model; decided once, when the job is planned. */
export interface KeyedScoringPlan extends ModelPlan {
  readonly kind: 'keyed';
  readonly name: string;
  readonly partitionBy: readonly string[];
  readonly stage?: KeyedModelSpec['stage'];
  /**
   * The model's latest version number when the job was planned. Versions registered later are not
   * used, so every partition (and every retry) scores a key with the same version.
   */
  readonly upToVersion: number;
  /** Keys that have a version, and the blob listing each key's version (`<prefix>/_models.json`). */
  readonly keys: number;
  readonly modelsBlob: string;
  /** Columns parsed as text for every row: the key columns, the forecasting columns, the pass-through columns. */
  readonly textColumns: readonly string[];
  /** The pass-through columns the output copies (before `scored_by`). */
  readonly passThrough: readonly string[];
  readonly fallback: KeyedFallback;
}

/** One key's pinned version, as `_models.json` lists it. */
export interface KeyedVersion {
  readonly key: Readonly<Record<string, string>>;
  readonly version: number;
  readonly sha256: string;
  /** Where its files are (absent in lists written before files could be kept in version rows). */
  readonly files?: VersionFiles;
}

/** `_models.json`: which version scores which key in one job. */
export interface KeyedModelsFile {
  readonly model: string;
  readonly partitionBy: readonly string[];
  readonly stage: string | null;
  readonly upToVersion: number;
  readonly keys: readonly KeyedVersion[];
}

/** A key's identity for lookups: its values in `partitionBy` order. */
export function keyIdOf(values: readonly string[]): string {
  return JSON.stringify(values);
}

/**
 * Each key's version: of the versions tagged with every `partitionBy` column (and in `stage`, if
 * given), the highest one per distinct combination of those tags' values. Versions without all the
 * key tags are not per-key models and are ignored. Keys come out sorted, so the file is stable.
 */
export function pickKeyedVersions(
  versions: readonly ModelVersionSummary[],
  partitionBy: readonly string[],
  stage: KeyedModelSpec['stage'],
): KeyedVersion[] {
  const picked = new Map<string, KeyedVersion>();
  for (const info of versions) {
    if (stage !== undefined && info.stage.toLowerCase() !== stage) continue;
    const values = partitionBy.map((column) => info.tags[column]);
    if (values.some((value) => value === undefined)) continue;
    const id = keyIdOf(values as string[]);
    const current = picked.get(id);
    if (current === undefined || info.version > current.version) {
      const key = Object.fromEntries(partitionBy.map((column, i) => [column, values[i]!]));
      picked.set(id, { key, version: info.version, sha256: info.sha256, files: info.files });
    }
  }
  return [...picked.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, version]) => version);
}
