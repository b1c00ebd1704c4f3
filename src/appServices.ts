import os from 'node:os';
import path from 'node:path';
import { loadConfig, type AppConfig } from './config';
import {
  parseFailTries,
  type ManyModelsTrainingServices,
} from './manyModels/training/ManyModelsTrainingServices';
import { PoolSeriesTrainer } from './manyModels/training/SeriesTrainer';
import { KeyedModelCache } from './manyModels/scoring/KeyedModelCache';
import { JobStore } from './jobs/JobStore';
import { ModelRegistry } from './models/registry/ModelRegistry';
import { PoolModelInspector } from './models/registry/ModelInspector';
import { RegistryModelSource } from './models/registry/RegistryModelSource';
import { formatRegistry } from './scoring/formatRegistry';
import { InferencePool } from './scoring/inference/InferencePool';
import { PoolModelRunner } from './scoring/PoolModelRunner';
import type { ScoringServices } from './scoring/ScoringServices';
import type { RetrainServices } from './training/retrain/RetrainServices';
import { TrainingRunStore } from './training/retrain/TrainingRunStore';
import { StorageClients } from './storage/StorageClients';

// dist/src/appServices.js → the app root two levels up (where models/ and data/ live).
const appRoot = path.resolve(__dirname, '..', '..');

interface AppServices {
  readonly scoring: ScoringServices;
  readonly registry: ModelRegistry;
  readonly retrain: RetrainServices;
}

let services: AppServices | undefined;

/**
 * The app's composition root: settings are read and clients built on first use (not at import), the
 * same way on Azure and on the embedded host.
 */
function appServices(): AppServices {
  if (!services) {
    const config = loadConfig(process.env, appRoot);
    const storage = new StorageClients(config.storageConnection);
    // One pool of inference threads: scoring, model checks at registration, retraining's evaluations.
    const pool = new InferencePool({ size: Math.min(config.inferenceThreads, os.cpus().length) });
    const registry = newModelRegistry(config, storage, pool);
    const models = new RegistryModelSource({ registry, bundledDirectory: config.modelsDirectory });
    const runner = new PoolModelRunner(pool);
    services = {
      registry,
      scoring: {
        config,
        storage,
        jobs: new JobStore(storage),
        models,
        runner,
        formats: formatRegistry,
        keyedModels: new KeyedModelCache(),
      },
      // Retraining shares the settings, clients, registry and inference pool of batch scoring.
      retrain: {
        config,
        storage,
        registry,
        models,
        runner,
        runs: new TrainingRunStore(storage, {
          container: config.retrainRunsContainer,
          table: config.retrainRunsTable,
        }),
      },
    };
  }
  return services;
}

export function scoringServices(): ScoringServices {
  return appServices().scoring;
}

/** The retraining orchestration's activities and triggers. */
export function retrainServices(): RetrainServices {
  return appServices().retrain;
}

/** The model registry of the models HTTP API (the same one batch scoring resolves models from). */
export function modelRegistry(): ModelRegistry {
  return appServices().registry;
}

function newModelRegistry(config: AppConfig, storage: StorageClients, pool: InferencePool): ModelRegistry {
  return new ModelRegistry({
    storage,
    table: config.modelRegistryTable,
    container: config.modelRegistryContainer,
    inspector: new PoolModelInspector(pool),
  });
}

// ---- Many models: training (trainMany) ----

let manyModelsTraining: ManyModelsTrainingServices | undefined;

/** The many-models training activities: the app's storage and registry; reports beside the retrain runs. */
export function manyModelsTrainingServices(): ManyModelsTrainingServices {
  if (!manyModelsTraining) {
    const { registry, retrain } = appServices();
    manyModelsTraining = {
      storage: retrain.storage,
      registry,
      trainer: new PoolSeriesTrainer(retrain.config.trainingThreads),
      reportsContainer: retrain.config.retrainRunsContainer,
      // Test hook; unset in production.
      failTries: parseFailTries(retrain.config.manyModelsFailTries),
    };
  }
  return manyModelsTraining;
}
