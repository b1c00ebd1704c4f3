import type { AppConfig } from '../../config';
import type { ModelRegistry } from '../../models/registry/ModelRegistry';
import type { ModelRunner, ModelSource } from '../../scoring/ScoringPorts';
import type { StorageClients } from '../../storage/StorageClients';
import type { TrainingRunStore } from './TrainingRunStore';

/** What the retraining activities and triggers need, built once at the composition root. */
export interface RetrainServices {
  readonly config: AppConfig;
  readonly storage: StorageClients;
  readonly registry: ModelRegistry;
  /** Resolves and verifies registered models (and registers bundled ones on first use). */
  readonly models: ModelSource;
  /** Runs models with onnxruntime in the worker-thread pool. */
  readonly runner: ModelRunner;
  readonly runs: TrainingRunStore;
}
