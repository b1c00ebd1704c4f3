import path from 'node:path';
import { loadConfig } from '../config';
import { StorageClients } from '../storage/StorageClients';
import { detectExecutionProvider } from './detectExecutionProvider';
import { HandlerRegistry } from './handlers';
import { WorkerLoop } from './WorkerLoop';
import { loadWorkerSettings } from './workerSettings';

/**
 * The worker program: `node dist/src/worker/main.js [--exit-when-idle]`. It reads the app settings
 * (the data account: DATA_STORAGE, else AzureWebJobsStorage; WORK_QUEUE, WORK_RESULTS_QUEUE) and its own (WORKER_*) from the environment.
 */
async function main(argv: readonly string[]): Promise<void> {
  const log = (message: string) => process.stderr.write(`[worker ${process.pid}] ${message}\n`);
  const config = loadConfig(process.env, path.resolve(__dirname, '../../..'));
  const settings = loadWorkerSettings(process.env);
  const storage = new StorageClients(config.dataStorage);
  const executionProvider = await detectExecutionProvider(settings.executionProvider, log);
  const execution = process.env.CONTAINER_APP_JOB_EXECUTION_NAME;
  const ranOn = execution ? `container apps execution ${execution}` : `local process ${process.pid}`;
  const loop = new WorkerLoop(
    {
      work: await storage.queue(config.workQueue),
      results: await storage.queue(config.workResultsQueue),
      poison: storage.queues.getQueueClient(`${config.workQueue}-poison`),
    },
    {
      storage,
      handlers: new HandlerRegistry(settings.testHandlers),
      executionProvider,
      intraOpThreads: settings.intraOpThreads,
      ranOn,
      log,
    },
    settings,
  );
  process.once('SIGTERM', () => {
    log('SIGTERM: finishing or releasing the running item');
    loop.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log(`stopping failed: ${String(error)}`);
        process.exit(1);
      },
    );
  });
  const threads = settings.intraOpThreads;
  log(
    `taking items from ${config.workQueue} on ${executionProvider}` +
      (threads === undefined ? '' : `, ${threads} intra-op thread${threads === 1 ? '' : 's'}`),
  );
  await loop.run(argv.includes('--exit-when-idle'));
  log('idle: exiting');
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `[worker ${process.pid}] ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  },
);
