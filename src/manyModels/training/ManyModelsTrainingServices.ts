import type { ModelRegistry } from '../../models/registry/ModelRegistry';
import type { StorageClients } from '../../storage/StorageClients';
import type { SeriesTrainer } from './SeriesTrainer';

/** What the many-models training activities and HTTP handlers need, built at the composition root. */
export interface ManyModelsTrainingServices {
  readonly storage: StorageClients;
  readonly registry: ModelRegistry;
  /** Parses and trains each key's data (in worker threads in the app). */
  readonly trainer: SeriesTrainer;
  /** Run reports go to `<reportsContainer>/many-models/<model>/<runId>.json`. */
  readonly reportsContainer: string;
  /**
   * Test hook: partition paths whose first try fails with a transient fault, to exercise the retry
   * of failed keys. Empty in production.
   */
  readonly failFirstTry: ReadonlySet<string>;
}
