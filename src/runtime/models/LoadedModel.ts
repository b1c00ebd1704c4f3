import type { ModelCard } from './ModelCard';

/** Where a store keeps a version's files, when known: a hint that saves the store a read. */
export type VersionFiles = 'row' | 'blobs';

/**
 * One registered model version, fixed when a job is planned: every partition (and every retry) loads
 * exactly these bytes, and bytes whose SHA-256 differs are refused.
 */
export interface PinnedModel {
  readonly name: string;
  readonly version: number;
  readonly sha256: string;
  readonly files?: VersionFiles;
}

/** A pinned model with its bytes (checked against `sha256`) and its card. */
export interface LoadedModel extends PinnedModel {
  readonly onnx: Buffer;
  /** Feature names, outputs, task, signature. */
  readonly card?: ModelCard;
}

/** `name@version`, as manifests, job rows and `scored_by` columns show a model. */
export function labelOf(model: Pick<PinnedModel, 'name' | 'version'>): string {
  return `${model.name}@${model.version}`;
}
