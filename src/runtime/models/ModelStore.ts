import type { ModelCard } from './ModelCard';
import type { ModelQuery } from './ModelRef';
import type { PinnedModel } from './LoadedModel';

/** A version as a store lists it: enough to pick one per key without reading any model. */
export interface ModelVersionSummary extends PinnedModel {
  readonly stage: string;
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * Where models come from (the registry implements it; the composition root wires it in). The kernel
 * resolves and loads through this port and never names the registry.
 */
export interface ModelStore {
  /** `name` (production, else latest), `name@7`, `name@production`, or the latest version with the tags. */
  resolve(query: ModelQuery): Promise<PinnedModel>;
  /** Whether a model of this name exists (registered or bundled). */
  hasModel(name: string): Promise<boolean>;
  /** Every version of a model with its tags and stage, and the latest version number. */
  listVersions(name: string): Promise<{ latestVersion: number; versions: readonly ModelVersionSummary[] }>;
  /** One version's files as stored; the loader checks their SHA-256 against the pinned one. */
  readFiles(pinned: PinnedModel): Promise<{ onnx: Buffer; card?: ModelCard }>;
}
