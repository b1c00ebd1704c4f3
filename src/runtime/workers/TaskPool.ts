import type { Worker } from 'node:worker_threads';
import { TransientError } from '../../errors';
import { startModuleWorker } from './startModuleWorker';
import type { TaskMessage, TaskReply } from './serveTasks';
import { reviveError } from './workerErrors';

export interface TaskPoolOptions {
  /** Worker threads; at least 1. */
  readonly size: number;
  /** Folder and name (without extension) of the worker module; the module calls `serveTasks`. */
  readonly directory: string;
  readonly module: string;
  /** What the workers do, for error messages ("training worker"). */
  readonly label: string;
}

interface Job<Request, Result> {
  readonly request: Request;
  readonly transfer: readonly ArrayBuffer[];
  readonly resolve: (result: Result) => void;
  readonly reject: (error: Error) => void;
}

interface Slot<Request, Result> {
  worker: Worker;
  job?: Job<Request, Result>;
  exited: boolean;
  crash?: Error;
}

/**
 * A fixed set of worker threads running one module's task function (see serveTasks), one task per
 * worker at a time, the rest queued in arrival order. Errors thrown by the task come back as the same
 * error class (ValidationError stays final, TransientError retryable); a worker that dies fails its
 * task with a TransientError and is replaced on the next task. Idle workers do not keep the process
 * alive.
 */
export class TaskPool<Request, Result> {
  readonly #options: TaskPoolOptions;
  readonly #slots: Slot<Request, Result>[];
  readonly #queue: Job<Request, Result>[] = [];
  #nextId = 0;
  #closed = false;

  constructor(options: TaskPoolOptions) {
    if (!(options.size >= 1)) throw new RangeError(`TaskPool size must be at least 1, got ${options.size}`);
    this.#options = options;
    this.#slots = Array.from({ length: options.size }, () => this.#newSlot());
  }

  get size(): number {
    return this.#slots.length;
  }

  /** Runs the task on the next free worker; `transfer` lists buffers of `request` handed over (not copied). */
  run(request: Request, transfer: readonly ArrayBuffer[] = []): Promise<Result> {
    if (this.#closed) return Promise.reject(new Error(`The ${this.#options.label} pool is closed`));
    return new Promise<Result>((resolve, reject) => {
      this.#queue.push({ request, transfer, resolve, reject });
      this.#dispatch();
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const job of this.#queue.splice(0))
      job.reject(new Error(`The ${this.#options.label} pool is closed`));
    await Promise.all(this.#slots.map((slot) => slot.worker.terminate()));
  }

  #dispatch(): void {
    for (let i = 0; i < this.#slots.length && this.#queue.length > 0; i++) {
      let slot = this.#slots[i]!;
      if (slot.job) continue;
      if (slot.exited) slot = this.#slots[i] = this.#newSlot();
      const job = this.#queue.shift()!;
      slot.job = job;
      slot.worker.ref();
      const message: TaskMessage<Request> = { id: this.#nextId++, request: job.request };
      slot.worker.postMessage(message, [...job.transfer]);
    }
  }

  #newSlot(): Slot<Request, Result> {
    const worker = startModuleWorker(this.#options.directory, this.#options.module, {});
    const slot: Slot<Request, Result> = { worker, exited: false };
    worker.on('message', (reply: TaskReply<Result>) => {
      const job = slot.job;
      slot.job = undefined;
      worker.unref();
      if (job) {
        if (reply.ok) job.resolve(reply.result);
        else job.reject(reviveError(reply.error));
      }
      this.#dispatch();
    });
    worker.on('error', (error) => (slot.crash = error));
    worker.on('exit', (code) => {
      slot.exited = true;
      const job = slot.job;
      slot.job = undefined;
      if (this.#closed) return;
      const reason = slot.crash?.message ?? `exit code ${code}`;
      job?.reject(new TransientError(`A ${this.#options.label} stopped during its task: ${reason}`));
      this.#dispatch();
    });
    worker.unref();
    return slot;
  }
}
