import os from 'node:os';
import path from 'node:path';
import type { DurableClient } from 'durable-functions';
import {
  containerSettings,
  dataConnectionName,
  defaultReadContainers,
  loadConfig,
  type AppConfig,
} from './config';
import { KeyedModelStrategy } from './manyModels/scoring/KeyedModelStrategy';
import { KeyedVersionsCache } from './manyModels/scoring/KeyedVersionsCache';
import type { ManyModelsTrainingServices } from './manyModels/training/ManyModelsTrainingServices';
import { PoolSeriesTrainer } from './manyModels/training/SeriesTrainer';
import {
  loadTrainManyDeclarations,
  type TrainManyDeclaration,
} from './manyModels/training/TrainManyDeclaration';
import { PoolModelInspector } from './models/registry/ModelInspector';
import type { ModelUploads } from './models/modelsHttp';
import { ModelRegistry } from './models/registry/ModelRegistry';
import { RegistryModelStore } from './models/registry/RegistryModelStore';
import { TestFaults } from './runtime/faults/TestFaults';
import { createFormatRegistry } from './runtime/formats/formatRegistry';
import { InferencePool } from './runtime/inference/InferencePool';
import { PoolModelRunner } from './runtime/inference/PoolModelRunner';
import { ModelLoader } from './runtime/models/ModelLoader';
import { WorkerPool } from './runtime/workers/WorkerPool';
import type { RuntimeServices } from './runtime/RuntimeServices';
import type { DriftBreachHandler } from './runtime/drift/DriftBreachHandler';
import { DriftStore } from './runtime/drift/DriftStore';
import { JobStore } from './scoring/JobStore';
import type { ScoringServices } from './scoring/ScoringServices';
import { ImageModelStrategy } from './scoring/images/ImageModelStrategy';
import { SingleModelStrategy } from './scoring/SingleModelStrategy';
import { DataContainers } from './storage/DataContainers';
import { blobTriggerSourceFrom, type BlobTriggerSource } from './storage/blobTriggerSource';
import { loadStreamDefinitions } from './streaming/loadStreamDefinitions';
import type { StreamDefinition } from './streaming/StreamDefinition';
import type { StreamingServices } from './streaming/StreamingServices';
import { StreamModels } from './streaming/StreamModels';
import { StreamStore } from './streaming/StreamStore';
import { EventHubPartitionTails } from './streaming/EventHubPartitionTails';
import { StreamWindowStore } from './streaming/windows/StreamWindowStore';
import { WindowTracker } from './streaming/windows/WindowTracker';
import { LandingCache } from './streaming/windows/LandingCache';
import { StorageClients } from './storage/StorageClients';
import type { RetrainServices } from './training/retrain/RetrainServices';
import { DataCheckStore } from './training/retrain/newData/DataCheckStore';
import { retrainOnDrift } from './training/retrain/retrainOnDrift';
import { TrainingRunStore } from './training/retrain/TrainingRunStore';
import { FeedbackStore, readJoinedSet, type FeedbackServices } from './feedback';
import { createWorkDispatcher, workControlContainer, type WorkDispatcher } from './dispatch';
import type { VideoJobServices } from './video/job/VideoJobServices';
import { VideoJobStore } from './video/job/VideoJobStore';

// dist/src/appServices.js → the app root two levels up (where models/ and data/ live).
const appRoot = path.resolve(__dirname, '..', '..');

interface AppServices {
  readonly config: AppConfig;
  readonly workers: WorkerPool;
  readonly runtime: RuntimeServices;
  readonly containers: DataContainers;
  readonly registry: ModelRegistry;
  readonly scoring: ScoringServices;
  readonly retrain: RetrainServices;
  readonly feedback: FeedbackServices;
}

let services: AppServices | undefined;

/**
 * The app's composition root: settings are read and clients built on first use (not at import), the
 * same way on Azure and on the embedded host. The kernel is built first; features get what they need
 * of it, and meet each other only here (keyed scoring is registered with batch scoring as a strategy).
 */
function appServices(): AppServices {
  services ??= compose(loadConfig(process.env, appRoot));
  return services;
}

function compose(config: AppConfig): AppServices {
  const storage = new StorageClients(config.dataStorage);
  // One pool of threads for CPU-bound work: inference (scoring, model checks at registration,
  // retraining's evaluations) and many-models training.
  const workers = new WorkerPool({ size: config.workerThreads ?? os.availableParallelism() });
  const pool = new InferencePool({ workers });
  const registry = new ModelRegistry({
    storage,
    table: config.modelRegistryTable,
    container: config.modelRegistryContainer,
    inspector: new PoolModelInspector(pool),
  });
  const store = new RegistryModelStore({ registry, bundledDirectory: config.modelsDirectory });
  const faults = TestFaults.fromSetting(config.testFaults);
  if (faults.active) console.warn('DURABLE_SCORING_TEST_FAULTS is set: faults are injected (tests only).');
  const runtime: RuntimeServices = {
    storage,
    formats: createFormatRegistry({ workers }),
    models: new ModelLoader({ store }),
    store,
    runner: new PoolModelRunner(pool),
    faults,
  };
  const containers = dataContainersOf(config);
  const jobs = new JobStore(storage);
  const feedback: FeedbackServices = {
    storage,
    jobs,
    models: runtime.models,
    store: new FeedbackStore(storage, {
      batches: config.feedbackTable,
      liveMetrics: config.liveMetricsTable,
      container: config.feedbackJoinedContainer,
    }),
    dropContainer: config.feedbackContainer,
    windowDays: config.feedbackWindowDays,
    maxBytes: config.feedbackMaxBytes,
  };
  const runs = new TrainingRunStore(storage, {
    container: config.retrainRunsContainer,
    table: config.retrainRunsTable,
  });
  return {
    config,
    workers,
    runtime,
    containers,
    registry,
    scoring: {
      runtime,
      jobs,
      drift: new DriftStore(storage),
      defaults: {
        inputContainer: config.inputContainer,
        outputContainer: config.outputContainer,
        partitionBytes: config.partitionBytes,
        maxConcurrency: config.maxConcurrency,
        containers,
      },
      defaultModel: config.defaultModel,
      strategies: {
        single: new SingleModelStrategy(runtime),
        image: new ImageModelStrategy(runtime),
        keyed: new KeyedModelStrategy({ ...runtime, versions: new KeyedVersionsCache() }),
      },
    },
    retrain: {
      config,
      storage,
      registry,
      models: runtime.models,
      store,
      runner: runtime.runner,
      containers,
      runs,
      dataChecks: new DataCheckStore(storage, runs, config.trainingDataChecksTable),
      feedback: { joinedSet: (model) => readJoinedSet(feedback.store, model) },
    },
    feedback,
  };
}

/** The containers jobs may read and write: the configured ones, never the host's or the app's own. */
function dataContainersOf(config: AppConfig): DataContainers {
  return new DataContainers({
    read: [
      config.inputContainer,
      config.videoInputContainer,
      config.trainingDataContainer,
      ...(config.readContainers ?? defaultReadContainers),
    ],
    write: [config.outputContainer, ...(config.writeContainers ?? [])],
    appContainers: [
      config.modelRegistryContainer,
      config.retrainRunsContainer,
      config.videoWorkContainer,
      config.feedbackJoinedContainer,
      workControlContainer,
    ],
    watchedContainers: [
      config.inputContainer,
      config.videoInputContainer,
      config.feedbackContainer,
      config.trainingDataContainer,
    ],
    settings: containerSettings,
  });
}

/** The feedback edges (blob drop, HTTP): the jobs table, the models, the feedback tables. */
export function feedbackServices(): FeedbackServices {
  return appServices().feedback;
}

export function scoringServices(): ScoringServices {
  return appServices().scoring;
}

/**
 * What a drift breach starts where the model's card asks for it (`drift.retrainOnBreach`): a `retrain`
 * run of the model, through the invocation's Durable client.
 */
export function driftBreachHandler(client: DurableClient): DriftBreachHandler {
  return (breach) => retrainOnDrift(client, breach);
}

/** The retraining orchestration's activities and triggers. */
export function retrainServices(): RetrainServices {
  return appServices().retrain;
}

/** The model registry of the models HTTP API (the same one batch scoring resolves models from). */
export function modelRegistry(): ModelRegistry {
  return appServices().registry;
}

/** Where model registrations may read uploaded model files: the data containers. */
export function modelUploads(): ModelUploads {
  const { runtime, containers } = appServices();
  return { storage: runtime.storage, containers };
}

let manyModelsTraining: ManyModelsTrainingServices | undefined;

/** The many-models training activities: the app's storage and registry; reports beside the retrain runs. */
export function manyModelsTrainingServices(): ManyModelsTrainingServices {
  if (!manyModelsTraining) {
    const { config, workers, runtime, registry, containers } = appServices();
    manyModelsTraining = {
      storage: runtime.storage,
      registry,
      trainer: new PoolSeriesTrainer(workers),
      reportsContainer: config.retrainRunsContainer,
      containers,
      evaluation: { models: runtime.models, runner: runtime.runner },
      faults: runtime.faults,
    };
  }
  return manyModelsTraining;
}

/**
 * The connection of the input container's blob trigger: DATA_STORAGE when the app's data has its own
 * account (set in the app settings), else AzureWebJobsStorage. Read when functions/ is loaded.
 */
export function dataConnection(): string {
  return dataConnectionName(process.env);
}

/**
 * The `source` of the app's blob triggers (BLOB_TRIGGER_SOURCE): the container scan by default, Event
 * Grid on Azure (Flex Consumption runs blob triggers only from Event Grid). Read when functions/ is loaded.
 */
export function blobTriggerSource(): BlobTriggerSource {
  return blobTriggerSourceFrom(process.env);
}

let trainManyDeclared: readonly TrainManyDeclaration[] | undefined;

/**
 * The many-models data sets trained on a schedule (MANY_MODELS_DIRECTORY, default `manyModels/`), read
 * once when functions/ is loaded: each gets a timer function.
 */
export function trainManyDeclarations(): readonly TrainManyDeclaration[] {
  trainManyDeclared ??= loadTrainManyDeclarations(loadConfig(process.env, appRoot).manyModelsDirectory);
  return trainManyDeclared;
}

let definitions: readonly StreamDefinition[] | undefined;

/**
 * The app's stream definitions (STREAMS_DIRECTORY, default `streams/`), read once when functions/ is
 * loaded, before the rest of the composition root is built: the functions registered depend on them.
 */
export function streamDefinitions(): readonly StreamDefinition[] {
  definitions ??= loadStreamDefinitions(loadConfig(process.env, appRoot).streamsDirectory);
  return definitions;
}

let streaming: StreamingServices | undefined;

/** The stream triggers', window activities' and streams API's services: the kernel's models and pool. */
export function streamingServices(): StreamingServices {
  if (!streaming) {
    const { config, runtime, containers } = appServices();
    const streams = new StreamStore(runtime.storage, config.streamsTable);
    const windows = new StreamWindowStore(runtime.storage, config.streamWindowsTable);
    streaming = {
      storage: runtime.storage,
      store: runtime.store,
      loader: runtime.models,
      runner: runtime.runner,
      models: new StreamModels(runtime),
      streams,
      windows,
      drift: new DriftStore(runtime.storage),
      tracker: new WindowTracker({ windows, streams, maxConcurrency: config.maxConcurrency }),
      tails: new EventHubPartitionTails(process.env),
      containers,
      outputContainer: config.outputContainer,
      windowShardRows: config.streamWindowShardKeys,
      definitions: streamDefinitions(),
      landings: new LandingCache(),
    };
  }
  return streaming;
}

let dispatcher: WorkDispatcher | undefined;

/** The one container work dispatcher (local worker processes or Container Apps), built on first use. */
function workDispatcher(): WorkDispatcher {
  if (!dispatcher) {
    const { config, runtime } = appServices();
    dispatcher = createWorkDispatcher(config, runtime.storage, appRoot);
  }
  return dispatcher;
}

let videos: VideoJobServices | undefined;

/** The video jobs' edges and activities: the job table, the registry, the dispatcher. */
export function videoJobServices(): VideoJobServices {
  if (!videos) {
    const { config, runtime, containers } = appServices();
    videos = {
      storage: runtime.storage,
      jobs: new VideoJobStore(runtime.storage),
      containers,
      defaults: {
        inputContainer: config.videoInputContainer,
        outputContainer: config.outputContainer,
        model: config.videoStyleModel,
        batchFrames: config.videoBatchFrames,
        maxInFlight: config.videoMaxInFlight,
        unitTimeoutSeconds: config.videoUnitTimeoutSeconds,
        maxAttempts: 3,
      },
      workContainer: config.videoWorkContainer,
      store: runtime.store,
      dispatcher: workDispatcher,
    };
  }
  return videos;
}
