import type { TestFaults } from '../../runtime/faults/TestFaults';
import type { DataContainers } from '../../storage/DataContainers';
import type { ModelRegistry } from '../../models';
import type { StorageClients } from '../../storage/StorageClients';
import type { ModelLoader } from '../../runtime/models/ModelLoader';
import type { ModelRunner } from '../../runtime/inference/ModelRunner';
import type { SeriesTrainer } from './SeriesTrainer';

/** What the many-models training activities and HTTP handlers need, built at the composition root. */
export interface ManyModelsTrainingServices {
  readonly storage: StorageClients;
  readonly registry: ModelRegistry;
  /** The containers a dataset may be read from. */
  readonly containers: DataContainers;
  /** Parses and trains each key's data (in worker threads in the app). */
  readonly trainer: SeriesTrainer;
  /** Run reports go to `<reportsContainer>/many-models/<model>/<runId>.json`. */
  readonly reportsContainer: string;
  /**
   * The kernel's loader and runner, to run a key's production version on the new version's holdout
   * (runs with a promotion policy); without them the gate compares recorded metrics.
   */
  readonly evaluation?: { readonly models: ModelLoader; readonly runner: ModelRunner };
  /** Test-only injected faults (point `trainManyKey`, key: the partition's `<prefix>/<path>`); none in production. */
  readonly faults: TestFaults;
}
