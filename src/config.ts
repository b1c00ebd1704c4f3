import path from 'node:path';
import { z } from 'zod';

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const configSchema = z.object({
  storageConnection: z.string({ error: 'The app setting AzureWebJobsStorage is required.' }).min(1),
  inputContainer: z.string().default('input'),
  outputContainer: z.string().default('output'),
  defaultModel: z.string().default('diabetes'),
  modelsDirectory: z.string(),
  /** Registry blobs: `<container>/<name>/<version>/model.onnx` and `model.json`. */
  modelRegistryContainer: z.string().default('models'),
  /** Registry table: version, head, tag-index and audit rows, one partition per model name. */
  modelRegistryTable: z.string().default('models'),
  partitionBytes: positiveInt(32 * 1024 * 1024),
  maxConcurrency: positiveInt(8),
  inferenceThreads: positiveInt(2),
  /** Worker threads training many-models keys (parse + fit + ONNX export). */
  trainingThreads: positiveInt(2),
  /** Test hook: `<partition index>` fails that partition's first attempt with a transient error. */
  failPartitionOnce: z.coerce.number().int().optional(),
  /**
   * Test hook: many-models partition blobs (comma-separated `<prefix>/<path>`, each optionally `:<tries>`,
   * default 1) whose first tries fail with a transient fault.
   */
  manyModelsFailTries: z.string().default(''),
  /** Retraining run reports and data snapshots: `<container>/<model>/<runId>.json`, `<model>/<runId>/...`. */
  retrainRunsContainer: z.string().default('training-runs'),
  /** One row per retraining run (partition key: the model name). */
  retrainRunsTable: z.string().default('trainingRuns'),
  /** Where a card's bundled training file (`"source": { "file": "data/diabetes.csv" }`) is looked up. */
  trainingFilesDirectory: z.string(),
});

export type AppConfig = Readonly<z.infer<typeof configSchema>>;

/** App settings parsed once at the composition root; the rest of the app receives this object. */
export function loadConfig(env: NodeJS.ProcessEnv, appRoot: string): AppConfig {
  const storage = env.AzureWebJobsStorage;
  const parsed = configSchema.safeParse({
    // The storage SDKs understand UseDevelopmentStorage=true themselves.
    storageConnection: storage,
    inputContainer: env.SCORING_INPUT_CONTAINER || undefined,
    outputContainer: env.SCORING_OUTPUT_CONTAINER || undefined,
    defaultModel: env.DEFAULT_MODEL || undefined,
    modelsDirectory: path.resolve(appRoot, env.MODELS_DIRECTORY || 'models'),
    modelRegistryContainer: env.MODEL_REGISTRY_CONTAINER || undefined,
    modelRegistryTable: env.MODEL_REGISTRY_TABLE || undefined,
    partitionBytes: env.SCORING_PARTITION_BYTES || undefined,
    maxConcurrency: env.SCORING_MAX_CONCURRENCY || undefined,
    inferenceThreads: env.SCORING_INFERENCE_THREADS || undefined,
    trainingThreads: env.MANY_MODELS_TRAINING_THREADS || undefined,
    failPartitionOnce: env.SCORING_TEST_FAIL_PARTITION_ONCE || undefined,
    manyModelsFailTries: env.MANY_MODELS_TEST_FAIL_TRIES || undefined,
    retrainRunsContainer: env.RETRAIN_RUNS_CONTAINER || undefined,
    retrainRunsTable: env.RETRAIN_RUNS_TABLE || undefined,
    trainingFilesDirectory: path.resolve(appRoot, env.TRAINING_FILES_DIRECTORY || '.'),
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`Invalid app setting (${issue?.path.join('.')}): ${issue?.message}`);
  }
  return parsed.data;
}
