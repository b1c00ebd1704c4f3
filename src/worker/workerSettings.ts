import { z } from 'zod';

const seconds = (fallback: number) => z.coerce.number().positive().default(fallback);

const workerSettingsSchema = z.object({
  /** How long a taken message stays invisible; renewed at half of it while the item runs. */
  leaseSeconds: seconds(60),
  /** With --exit-when-idle: exit after the queue was empty this long. */
  idleSeconds: seconds(30),
  /** After SIGTERM: how long the running item may go on before its message is released. */
  stopGraceSeconds: seconds(20),
  /** A message taken this many times (each taker died or gave up) is answered as failed. */
  maxDequeueCount: z.coerce.number().int().positive().default(5),
  /** `auto` tries CUDA and falls back to the CPU. */
  executionProvider: z.enum(['auto', 'cuda', 'cpu']).default('auto'),
  /**
   * onnxruntime's intra-op threads per inference call; unset: its default, one per core. Several
   * workers on one machine each take every core unless this divides them.
   */
  intraOpThreads: z.coerce.number().int().positive().optional(),
  /** Tests only: test handler kinds to register, comma-separated (e.g. `test.sleep`). */
  testHandlers: z
    .string()
    .default('')
    .transform((text) =>
      text
        .split(',')
        .map((kind) => kind.trim())
        .filter(Boolean),
    ),
});

export type WorkerSettings = Readonly<z.infer<typeof workerSettingsSchema>>;

const settingNames = {
  leaseSeconds: 'WORKER_LEASE_SECONDS',
  idleSeconds: 'WORKER_IDLE_SECONDS',
  stopGraceSeconds: 'WORKER_STOP_GRACE_SECONDS',
  maxDequeueCount: 'WORKER_MAX_DEQUEUE_COUNT',
  executionProvider: 'WORKER_EXECUTION_PROVIDER',
  intraOpThreads: 'WORKER_INTRA_OP_THREADS',
  testHandlers: 'WORKER_TEST_HANDLERS',
} as const satisfies Record<keyof WorkerSettings, string>;

/** The worker's own settings (the storage connection and queue names come from the app settings). */
export function loadWorkerSettings(env: NodeJS.ProcessEnv): WorkerSettings {
  const values: Record<string, string | undefined> = {};
  for (const [field, setting] of Object.entries(settingNames)) values[field] = env[setting] || undefined;
  const parsed = workerSettingsSchema.safeParse(values);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path[0] as keyof WorkerSettings | undefined;
  throw new Error(`Invalid worker setting ${field ? settingNames[field] : ''}: ${issue?.message}`);
}
