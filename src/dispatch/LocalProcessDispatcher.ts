import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import type { StorageClients } from '../storage/StorageClients';
import { markJobCancelled } from './cancelMarkers';
import { enqueueWorkItems } from './enqueueWorkItems';
import type { WorkDispatcher, WorkItem } from './workContracts';

export interface LocalProcessDispatcherOptions {
  readonly storage: StorageClients;
  readonly workQueue: string;
  readonly workResultsQueue: string;
  /** Worker processes at most. */
  readonly workers: number;
  /** The worker program, `dist/src/worker/main.js`. */
  readonly workerScript: string;
  /**
   * More environment for the workers (WORKER_* settings). They inherit this process's, so they read the
   * same storage settings (AzureWebJobsStorage, DATA_STORAGE and their identity forms) as the app: they
   * share nothing with it but storage.
   */
  readonly env?: NodeJS.ProcessEnv;
  readonly log?: (line: string) => void;
}

const failedStartMs = 10_000;
const maxFailedStarts = 3;

/**
 * Runs work items in worker processes on this machine: `node <workerScript> --exit-when-idle`, started
 * on dispatch up to the limit, each with its share of the cores for onnxruntime (WORKER_INTRA_OP_THREADS:
 * the cores divided by the limit, unless set). A worker exits once the queue has been empty for its idle period; when
 * one exits with items still queued, another is started.
 */
export class LocalProcessDispatcher implements WorkDispatcher {
  readonly name = 'local';
  readonly #workers = new Set<ChildProcess>();
  #closing = false;
  /** Workers in a row that exited with an error soon after starting: a broken setup, not bad luck. */
  #failedStarts = 0;

  constructor(private readonly options: LocalProcessDispatcherOptions) {}

  async dispatch(items: readonly WorkItem[]): Promise<void> {
    if (items.length === 0) return;
    await enqueueWorkItems(this.options.storage, this.options.workQueue, items);
    this.#startWorkers(items.length);
  }

  async cancel(jobId: string): Promise<void> {
    await markJobCancelled(this.options.storage, jobId);
  }

  /** The running workers' process ids. */
  workerPids(): number[] {
    return [...this.#workers].flatMap((child) => (child.pid === undefined ? [] : [child.pid]));
  }

  /** Asks the workers to stop (each finishes or releases its item) and waits for them to exit. */
  async close(): Promise<void> {
    this.#closing = true;
    const exits = [...this.#workers].map(
      (child) => new Promise<void>((resolve) => child.once('exit', () => resolve())),
    );
    for (const child of this.#workers) child.kill('SIGTERM');
    await Promise.all(exits);
  }

  #startWorkers(wanted: number): void {
    const count = Math.min(wanted, this.options.workers - this.#workers.size);
    for (let started = 0; started < count; started += 1) this.#startWorker();
  }

  #startWorker(): void {
    const { options } = this;
    const child = spawn(process.execPath, [options.workerScript, '--exit-when-idle'], {
      env: {
        // The workers share this machine's cores, unless the setting says otherwise.
        WORKER_INTRA_OP_THREADS: String(Math.max(1, Math.floor(os.availableParallelism() / options.workers))),
        ...process.env,
        WORKER_EXECUTION_PROVIDER: 'cpu',
        ...options.env,
        WORK_QUEUE: options.workQueue,
        WORK_RESULTS_QUEUE: options.workResultsQueue,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#workers.add(child);
    const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
    for (const stream of [child.stdout, child.stderr]) {
      stream?.setEncoding('utf8');
      stream?.on('data', (text: string) => text.trimEnd().split('\n').forEach(log));
    }
    child.once('error', (error) => log(`worker process could not start: ${error.message}`));
    const startedAt = performance.now();
    child.once('exit', (code) => {
      this.#workers.delete(child);
      const failedStart = code !== 0 && code !== null && performance.now() - startedAt < failedStartMs;
      this.#failedStarts = failedStart ? this.#failedStarts + 1 : 0;
      if (this.#failedStarts >= maxFailedStarts) {
        log(
          `${maxFailedStarts} worker processes in a row failed at start; not starting more until the next dispatch`,
        );
        this.#failedStarts = 0;
      } else if (!this.#closing) void this.#replaceIfItemsWait();
    });
  }

  /** A worker that exited as an item arrived (or died mid-item) leaves work behind: start another. */
  async #replaceIfItemsWait(): Promise<void> {
    try {
      const queue = await this.options.storage.queue(this.options.workQueue);
      const { approximateMessagesCount = 0 } = await queue.getProperties();
      if (approximateMessagesCount > 0 && !this.#closing) this.#startWorkers(approximateMessagesCount);
    } catch (error) {
      (this.options.log ?? console.error)(`checking the work queue after a worker exited: ${String(error)}`);
    }
  }
}
