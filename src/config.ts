import path from 'node:path';
import { z } from 'zod';
import { serviceEndpoint, type StorageAccount } from './storage/StorageAccount';
import { resolveStorageAccount } from './storage/resolveStorageAccount';

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const containerList = z
  .string()
  .transform((text) =>
    text
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean),
  )
  .pipe(
    z.array(
      z
        .string()
        .regex(/^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/, 'lists a name that is not a container name'),
    ),
  );

const configSchema = z.object({
  inputContainer: z.string().default('input'),
  outputContainer: z.string().default('output'),
  /** Containers jobs may read (besides the input container); see DataContainers. */
  readContainers: containerList.optional(),
  /** Containers jobs may write to (besides the output container). */
  writeContainers: containerList.optional(),
  defaultModel: z.string().default('diabetes'),
  modelsDirectory: z.string(),
  /** Registry blobs: `<container>/<name>/<version>/model.onnx` and `model.json`. */
  modelRegistryContainer: z.string().default('models'),
  /** Registry table: version, head, tag-index and audit rows, one partition per model name. */
  modelRegistryTable: z.string().default('models'),
  partitionBytes: positiveInt(32 * 1024 * 1024),
  maxConcurrency: positiveInt(8),
  /** Threads of the one worker pool (inference, many-models training); default: the cores. */
  workerThreads: z.coerce.number().int().positive().optional(),
  /** Retraining run reports and data snapshots: `<container>/<model>/<runId>.json`, `<model>/<runId>/...`. */
  retrainRunsContainer: z.string().default('training-runs'),
  /** One row per retraining run (partition key: the model name). */
  retrainRunsTable: z.string().default('trainingRuns'),
  /** The blob trigger's container for new training data: a blob there starts the models' new-data checks. */
  trainingDataContainer: z.string().default('training-data'),
  /** No new training blob for this long ends a burst: one check and one run per burst. */
  trainingDataQuietSeconds: positiveInt(60),
  /** One row per data check of new training data (partition key: the model name). */
  trainingDataChecksTable: z.string().default('trainingDataChecks'),
  /** Where a card's bundled training file (`"source": { "file": "data/diabetes.csv" }`) is looked up. */
  trainingFilesDirectory: z.string(),
  /** Many-models data sets trained on a schedule (`<folder>/*.json`), read when the app starts. */
  manyModelsDirectory: z.string(),
  /** Stream definitions (`<folder>/*.json`), read when the app starts: see docs/streaming.md. */
  streamsDirectory: z.string(),
  /** One row per stream and partition: counts and the last sequence number scored. */
  streamsTable: z.string().default('streams'),
  /** One row per stream and window: its state, counts, model version and latency. */
  streamWindowsTable: z.string().default('streamWindows'),
  /** Keys per scoring shard of a window (the window's fan-out unit). */
  streamWindowShardKeys: positiveInt(2000),
  /** Tests only: faults injected at named points (runtime/faults/TestFaults). */
  testFaults: z.string().optional(),
  /** Container work items (storage queue; see docs/container-jobs.md). */
  workQueue: z.string().default('work-items'),
  /** Work results, one message per finished item. */
  workResultsQueue: z.string().default('work-results'),
  /** Who runs work items: worker processes on this machine, or Azure Container Apps job executions. */
  containerDispatcher: z.enum(['local', 'containerApps']).default('local'),
  /**
   * Local worker processes at most (each runs one item at a time, with its share of the cores for
   * onnxruntime).
   */
  localWorkers: positiveInt(2),
  containerAppsSubscriptionId: z.string().optional(),
  containerAppsResourceGroup: z.string().optional(),
  containerAppsJobName: z.string().optional(),
  /** Executions of the job running at once at most; a dispatch starts no more. */
  containerAppsMaxExecutions: positiveInt(4),
  /** When set, each execution runs this image (the start request's template); else the job's own. */
  containerAppsImage: z.string().optional(),
  /** Videos dropped here are styled (the video blob trigger watches it). */
  videoInputContainer: z.string().default('videos'),
  /** Frames, audio and styled frames of running video jobs: the app's own, no job may name it. */
  videoWorkContainer: z.string().default('video-work'),
  /** The style model a video job uses unless it names one. */
  videoStyleModel: z.string().default('fns-candy'),
  /** Frames per work item (one container task). */
  videoBatchFrames: positiveInt(6),
  /** Work items of one video job dispatched at once. */
  videoMaxInFlight: positiveInt(4),
  /** One attempt at one work item may take this long before it is dispatched again. */
  videoUnitTimeoutSeconds: positiveInt(600),
  /** Feedback files dropped here (`<model>/<anything>.csv`, header `id,label`) are joined with scored rows. */
  feedbackContainer: z.string().default('feedback'),
  /** The joined rows of each feedback batch, `<model>/<sha256>.csv`: the app's own, no job may name it. */
  feedbackJoinedContainer: z.string().default('feedback-joined'),
  /** One row per feedback batch (partition key: the model name). */
  feedbackTable: z.string().default('feedback'),
  /** Live metric sums per model version, hour and batch. */
  liveMetricsTable: z.string().default('liveMetrics'),
  /** A feedback batch joins the jobs completed this many days before it arrived. */
  feedbackWindowDays: positiveInt(30),
  /** The largest feedback file or request body. */
  feedbackMaxBytes: positiveInt(16 * 1024 * 1024),
});

type ParsedSettings = z.infer<typeof configSchema>;

export type AppConfig = Readonly<
  ParsedSettings & {
    /** The account of the app's data (jobs, registry, inputs, outputs): DATA_STORAGE, else AzureWebJobsStorage. */
    dataStorage: StorageAccount;
  }
>;

/** The connection of the app's data when it has its own account; see dataConnectionName. */
export const dataStorageSetting = 'DATA_STORAGE';

/**
 * The connection that holds the app's data: DATA_STORAGE when it (a connection string) or any of its
 * identity settings (`DATA_STORAGE__...`) is set, else AzureWebJobsStorage, the host's own account.
 */
export function dataConnectionName(env: NodeJS.ProcessEnv): string {
  const prefix = `${dataStorageSetting}__`.toLowerCase();
  const set = Object.entries(env).some(
    ([name, value]) => value && (name === dataStorageSetting || name.toLowerCase().startsWith(prefix)),
  );
  return set ? dataStorageSetting : 'AzureWebJobsStorage';
}

/** The settings that name containers, as messages cite them. */
export const containerSettings = { read: 'DATA_READ_CONTAINERS', write: 'DATA_WRITE_CONTAINERS' } as const;

/** Containers jobs may read by default, besides the input container: where training data goes. */
export const defaultReadContainers = ['training-data'];

/** The app setting behind each field. */
export const settingNames = {
  inputContainer: 'SCORING_INPUT_CONTAINER',
  outputContainer: 'SCORING_OUTPUT_CONTAINER',
  readContainers: containerSettings.read,
  writeContainers: containerSettings.write,
  defaultModel: 'DEFAULT_MODEL',
  modelsDirectory: 'MODELS_DIRECTORY',
  modelRegistryContainer: 'MODEL_REGISTRY_CONTAINER',
  modelRegistryTable: 'MODEL_REGISTRY_TABLE',
  partitionBytes: 'SCORING_PARTITION_BYTES',
  maxConcurrency: 'SCORING_MAX_CONCURRENCY',
  workerThreads: 'WORKER_THREADS',
  retrainRunsContainer: 'RETRAIN_RUNS_CONTAINER',
  retrainRunsTable: 'RETRAIN_RUNS_TABLE',
  trainingDataContainer: 'TRAINING_DATA_CONTAINER',
  trainingDataQuietSeconds: 'TRAINING_DATA_QUIET_SECONDS',
  trainingDataChecksTable: 'TRAINING_DATA_CHECKS_TABLE',
  trainingFilesDirectory: 'TRAINING_FILES_DIRECTORY',
  manyModelsDirectory: 'MANY_MODELS_DIRECTORY',
  streamsDirectory: 'STREAMS_DIRECTORY',
  streamsTable: 'STREAMS_TABLE',
  streamWindowsTable: 'STREAM_WINDOWS_TABLE',
  streamWindowShardKeys: 'STREAM_WINDOW_SHARD_KEYS',
  testFaults: 'DURABLE_SCORING_TEST_FAULTS',
  workQueue: 'WORK_QUEUE',
  workResultsQueue: 'WORK_RESULTS_QUEUE',
  containerDispatcher: 'CONTAINER_DISPATCHER',
  localWorkers: 'LOCAL_WORKERS',
  containerAppsSubscriptionId: 'CONTAINER_APPS_SUBSCRIPTION_ID',
  containerAppsResourceGroup: 'CONTAINER_APPS_RESOURCE_GROUP',
  containerAppsJobName: 'CONTAINER_APPS_JOB_NAME',
  containerAppsMaxExecutions: 'CONTAINER_APPS_MAX_EXECUTIONS',
  containerAppsImage: 'CONTAINER_APPS_IMAGE',
  videoInputContainer: 'VIDEO_INPUT_CONTAINER',
  videoWorkContainer: 'VIDEO_WORK_CONTAINER',
  videoStyleModel: 'VIDEO_STYLE_MODEL',
  videoBatchFrames: 'VIDEO_BATCH_FRAMES',
  videoMaxInFlight: 'VIDEO_MAX_IN_FLIGHT',
  videoUnitTimeoutSeconds: 'VIDEO_UNIT_TIMEOUT_SECONDS',
  feedbackContainer: 'FEEDBACK_CONTAINER',
  feedbackJoinedContainer: 'FEEDBACK_JOINED_CONTAINER',
  feedbackTable: 'FEEDBACK_TABLE',
  liveMetricsTable: 'LIVE_METRICS_TABLE',
  feedbackWindowDays: 'FEEDBACK_WINDOW_DAYS',
  feedbackMaxBytes: 'FEEDBACK_MAX_BYTES',
} as const satisfies Record<keyof ParsedSettings, string>;

// Folders are resolved against the app root, with these defaults.
const folderDefaults: Partial<Record<keyof ParsedSettings, string>> = {
  modelsDirectory: 'models',
  trainingFilesDirectory: '.',
  manyModelsDirectory: 'manyModels',
  streamsDirectory: 'streams',
};

/** App settings parsed once at the composition root; the rest of the app receives this object. */
export function loadConfig(env: NodeJS.ProcessEnv, appRoot: string): AppConfig {
  const values: Record<string, string | undefined> = {};
  for (const [field, setting] of Object.entries(settingNames)) {
    // An empty setting means "not set", as in local.settings.json templates.
    const value = env[setting] || undefined;
    const folder = folderDefaults[field as keyof ParsedSettings];
    values[field] = folder === undefined ? value : path.resolve(appRoot, value ?? folder);
  }
  const parsed = configSchema.safeParse(values);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path[0] as keyof ParsedSettings | undefined;
    const setting = field === undefined ? '' : ` ${settingNames[field]}`;
    throw new Error(`Invalid app setting${setting}: ${issue?.message}`);
  }
  const dataStorage = resolveStorageAccount(env, dataConnectionName(env));
  // Every feature keeps rows in tables and files in blobs: a missing endpoint stops the app loading.
  if (dataStorage.kind === 'identity')
    for (const service of ['blob', 'table'] as const) serviceEndpoint(dataStorage, service);
  return { ...parsed.data, dataStorage };
}

const exporterChoice = z.enum(['console', 'none', 'otlp']).optional();

const telemetrySchema = z.object({
  /** Application Insights: traces, metrics and logs go there through `@azure/monitor-opentelemetry`. */
  applicationInsightsConnectionString: z.string().optional(),
  /**
   * Without Application Insights: `otlp` sends spans over OTLP/HTTP, `console` prints them, `none` keeps
   * them (OpenTelemetry's own setting name); unset, an OTLP endpoint setting means `otlp`.
   */
  tracesExporter: exporterChoice,
  /** Without Application Insights: `otlp` sends the metrics every export interval, `console` prints them. */
  metricsExporter: exporterChoice,
  /** Milliseconds between metric exports (OpenTelemetry's setting); default 60 000. */
  metricExportIntervalMs: positiveInt(60_000),
  /**
   * The OTLP/HTTP collector's base URL (`/v1/traces` and `/v1/metrics` are appended); setting it turns
   * OTLP export on. The exporters read it (and the headers, timeout, ...) from the environment themselves.
   */
  otlpEndpoint: z.string().optional(),
  /** The full URL spans are posted to, instead of the base URL's `/v1/traces`; turns trace export on. */
  otlpTracesEndpoint: z.string().optional(),
  /** The full URL metrics are posted to, instead of the base URL's `/v1/metrics`; turns metric export on. */
  otlpMetricsEndpoint: z.string().optional(),
  /** `service.name` of every span and metric (Application Insights' cloud role name). */
  serviceName: z.string().default('durable-scoring'),
});

export type TelemetrySettings = Readonly<z.infer<typeof telemetrySchema>>;

/** The setting behind each telemetry field: OpenTelemetry's and Application Insights' own names. */
export const telemetrySettingNames = {
  applicationInsightsConnectionString: 'APPLICATIONINSIGHTS_CONNECTION_STRING',
  tracesExporter: 'OTEL_TRACES_EXPORTER',
  metricsExporter: 'OTEL_METRICS_EXPORTER',
  metricExportIntervalMs: 'OTEL_METRIC_EXPORT_INTERVAL',
  otlpEndpoint: 'OTEL_EXPORTER_OTLP_ENDPOINT',
  otlpTracesEndpoint: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
  otlpMetricsEndpoint: 'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT',
  serviceName: 'OTEL_SERVICE_NAME',
} as const satisfies Record<keyof TelemetrySettings, string>;

/**
 * The telemetry settings, read apart from the rest because telemetry starts when the app loads, before
 * the first invocation builds the app's services (and without needing their storage settings).
 */
export function loadTelemetrySettings(env: NodeJS.ProcessEnv): TelemetrySettings {
  const values: Record<string, string | undefined> = {};
  for (const [field, setting] of Object.entries(telemetrySettingNames))
    // An empty setting means "not set"; exporter names are case-insensitive, as in OpenTelemetry.
    values[field] = env[setting]?.trim() || undefined;
  for (const field of ['tracesExporter', 'metricsExporter'] as const)
    values[field] = values[field]?.toLowerCase();
  const parsed = telemetrySchema.safeParse(values);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path[0] as keyof TelemetrySettings | undefined;
    const setting = field === undefined ? '' : ` ${telemetrySettingNames[field]}`;
    throw new Error(`Invalid app setting${setting}: ${issue?.message}`);
  }
  return parsed.data;
}
