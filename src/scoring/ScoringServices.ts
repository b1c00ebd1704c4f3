import type { AppConfig } from '../config';
import type { KeyedModelCache } from '../manyModels/scoring/KeyedModelCache';
import type { JobStore } from '../jobs/JobStore';
import type { StorageClients } from '../storage/StorageClients';
import type { FormatRegistry, ModelRunner, ModelSource } from './ScoringPorts';

/** What the scoring activities need, built once at the composition root. */
export interface ScoringServices {
  readonly config: AppConfig;
  readonly storage: StorageClients;
  readonly jobs: JobStore;
  readonly models: ModelSource;
  readonly runner: ModelRunner;
  readonly formats: FormatRegistry;
  /** Key models and version lists kept between the partitions of keyed (many-models) jobs. */
  readonly keyedModels: KeyedModelCache;
}
