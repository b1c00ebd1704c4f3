import type { AppConfig } from '../../config';
import type { ModelRegistry } from '../../models';
import type { ModelRunner } from '../../runtime/inference/ModelRunner';
import type { ModelLoader } from '../../runtime/models/ModelLoader';
import type { ModelStore } from '../../runtime/models/ModelStore';
import type { DataContainers } from '../../storage/DataContainers';
import type { StorageClients } from '../../storage/StorageClients';
import type { DataCheckStore } from './newData/DataCheckStore';
import type { FeedbackSetReader } from './readFeedbackSource';
import type { TrainingRunStore } from './TrainingRunStore';

/** What the retraining activities and triggers need, built once at the composition root. */
export interface RetrainServices {
  readonly config: AppConfig;
  readonly storage: StorageClients;
  readonly registry: ModelRegistry;
  /** Resolves and loads registered models, their SHA-256 checked (bundled ones are registered on first use). */
  readonly models: ModelLoader;
  /** Which models exist (registered or bundled). */
  readonly store: ModelStore;
  /** Runs models with onnxruntime in the worker-thread pool. */
  readonly runner: ModelRunner;
  readonly runs: TrainingRunStore;
  /** The data checks of new training data (table rows, reports beside the runs'). */
  readonly dataChecks: DataCheckStore;
  /** The containers a training source may be read from. */
  readonly containers: DataContainers;
  /** The joined feedback sets of `retraining.source: { feedback }` (absent: such a source is refused). */
  readonly feedback?: FeedbackSetReader;
}
