import type { RuntimeServices } from '../runtime/RuntimeServices';
import type { DriftStore } from '../runtime/drift/DriftStore';
import type { JobStore } from './JobStore';
import type { ModelStrategies } from './ModelStrategy';
import type { JobDefaults } from './resolveJobSpec';

/** What batch scoring needs, built once at the composition root. */
export interface ScoringServices {
  readonly runtime: Pick<RuntimeServices, 'storage' | 'formats' | 'store' | 'faults'>;
  readonly jobs: JobStore;
  /** The `drift` table: each job's input drift per feature. */
  readonly drift: DriftStore;
  /** How job specs are resolved: settings' defaults and the containers jobs may use. */
  readonly defaults: JobDefaults;
  /** The default model of a blob drop that names none. */
  readonly defaultModel: string;
  /** One model per job, a version per key, ...: registered by the composition root. */
  readonly strategies: ModelStrategies;
}
