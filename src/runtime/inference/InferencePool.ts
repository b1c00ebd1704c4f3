import os from 'node:os';
import type { Worker } from 'node:worker_threads';
import { TransientError } from '../../errors';
import { reviveError } from '../workers/workerErrors';
import { modelLoadError, type ModelSignature } from './readModelSignature';
import { bufferList } from './bufferList';
import { startInferenceWorker } from './startInferenceWorker';
import type { ScoredPartition } from '../formats/ScoringBatch';
import type { TextPartitionJob } from './textPartition';
import type {
  OutputTensor,
  TensorData,
  WorkerRequest,
  WorkerResponse,
  WorkerSettings,
  WorkerTask,
} from './workerProtocol';

export type { OutputTensor, TensorData } from './workerProtocol';

/** A model as the pool knows it: `key` (its SHA-256) names the cached session in each worker. */
export interface ModelHandle {
  readonly key: string;
  readonly name: string;
  readonly onnx: Uint8Array;
}

export interface InferencePoolOptions {
  /** Worker threads; default: the number of cores. */
  readonly size?: number;
  /** Sessions each worker keeps (LRU); default 4. */
  readonly maxSessionsPerWorker?: number;
  /** onnxruntime intra-op threads per session; default 1, as the pool already uses every core. */
  readonly intraOpThreads?: number;
}

export interface RunOptions {
  /** Hand the input buffers to the worker instead of copying them: the caller's arrays become empty. */
  readonly transferInputs?: boolean;
}

interface Job {
  readonly model: ModelHandle;
  readonly task: WorkerTask;
  /** Hand the task's buffers to the worker instead of copying them. */
  readonly transfer: boolean;
  readonly resolve: (response: WorkerResponse & { ok: true }) => void;
  readonly reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  /** Models whose bytes this worker has been sent (it may have evicted some since: it then asks again). */
  readonly sent: Set<string>;
  job?: Job;
  crash?: Error;
  /** The worker exited; a new one is started when the slot is next needed. */
  exited?: boolean;
}

/**
 * A pool of worker threads running onnxruntime sessions, so that inference never blocks the event loop.
 * Each worker caches sessions per model key; model bytes go to a worker once, then only the key. A
 * worker that dies fails its current run with a TransientError and is replaced.
 */
export class InferencePool {
  private readonly slots: Slot[];
  private readonly queue: Job[] = [];
  private readonly settings: WorkerSettings;
  private nextId = 1;
  private closed = false;

  constructor(options: InferencePoolOptions = {}) {
    const size = options.size ?? Math.max(1, os.availableParallelism());
    this.settings = {
      maxSessions: options.maxSessionsPerWorker ?? 4,
      intraOpThreads: options.intraOpThreads ?? 1,
    };
    this.slots = Array.from({ length: size }, () => this.newSlot());
  }

  /** Number of worker threads. */
  get size(): number {
    return this.slots.length;
  }

  /** Runs the model on float32 inputs and returns the named outputs (typed arrays, transferred back). */
  run(
    model: ModelHandle,
    inputs: Readonly<Record<string, TensorData<Float32Array>>>,
    outputNames: readonly string[],
    options: RunOptions = {},
  ): Promise<Record<string, OutputTensor>> {
    return this.submit(model, { kind: 'run', inputs, outputNames }, options.transferInputs ?? false).then(
      (response) => ('outputs' in response ? response.outputs : {}),
    );
  }

  /**
   * Parses, scores and formats one CSV or JSON Lines partition in a worker; `job.bytes` is transferred
   * (the caller's buffer becomes empty). Errors of the input (bad header, changed input) come back as
   * the same error classes.
   */
  scoreText(model: ModelHandle, job: TextPartitionJob): Promise<ScoredPartition> {
    return this.submit(model, { kind: 'scoreText', job }, true).then((response) => {
      if (!('partition' in response)) throw new Error('The inference worker answered with no partition');
      const { output } = response.partition;
      return {
        ...response.partition,
        output: Buffer.from(output.buffer, output.byteOffset, output.byteLength),
      };
    });
  }

  /**
   * Loads the model in a worker (whose session then serves later runs) and reads its signature; a file
   * onnxruntime cannot load is a ValidationError with the runtime's reason.
   */
  inspect(model: ModelHandle): Promise<ModelSignature> {
    return this.submit(model, { kind: 'inspect' }, false).then((response) => {
      if (!('signature' in response)) throw new Error('The inference worker answered with no signature');
      return response.signature;
    });
  }

  private submit(model: ModelHandle, task: WorkerTask, transfer: boolean) {
    if (this.closed) return Promise.reject(new Error('InferencePool is closed'));
    return new Promise<WorkerResponse & { ok: true }>((resolve, reject) => {
      this.queue.push({ model, task, transfer, resolve, reject });
      this.dispatch();
    });
  }

  /** Stops the workers; runs still queued or in flight are rejected. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const error = new Error('InferencePool closed');
    for (const job of this.queue.splice(0)) job.reject(error);
    await Promise.all(
      this.slots.map(async (slot) => {
        slot.job?.reject(error);
        slot.job = undefined;
        await slot.worker.terminate();
      }),
    );
  }

  /** The current worker threads (for subclasses that supervise or test them). */
  protected workerThreads(): readonly Worker[] {
    return this.slots.map((slot) => slot.worker);
  }

  private dispatch(): void {
    for (let job = this.queue[0]; job !== undefined; job = this.queue[0]) {
      const idle = this.slots.filter((slot) => slot.job === undefined);
      // A worker that already holds the session saves a model load.
      let slot = idle.find((s) => s.sent.has(job.model.key)) ?? idle.find((s) => !s.exited) ?? idle[0];
      if (slot === undefined) return;
      this.queue.shift();
      if (slot.exited) slot = this.replace(slot);
      this.send(slot, job, !slot.sent.has(job.model.key));
    }
  }

  private send(slot: Slot, job: Job, withModel: boolean): void {
    slot.job = job;
    slot.worker.ref();
    const request: WorkerRequest = {
      id: this.nextId++,
      key: job.model.key,
      name: job.model.name,
      onnx: withModel ? job.model.onnx : undefined,
      task: job.task,
    };
    try {
      slot.worker.postMessage(request, job.transfer ? taskBuffers(job.task) : []);
    } catch (error) {
      // Not cloneable (e.g. a wrong input type): the worker never saw it.
      slot.job = undefined;
      slot.worker.unref();
      job.reject(error instanceof Error ? error : new Error(String(error)));
      queueMicrotask(() => this.dispatch());
      return;
    }
    if (withModel) slot.sent.add(job.model.key);
  }

  private onResponse(slot: Slot, response: WorkerResponse): void {
    const job = slot.job;
    if (job === undefined) return;
    if (!response.ok && response.kind === 'missing-model') {
      // The worker evicted the session since it was sent: send the bytes again, with the task it
      // returned (a transferring job no longer has its buffers).
      this.send(slot, { ...job, task: response.task }, true);
      return;
    }
    slot.job = undefined;
    slot.worker.unref();
    if (response.ok) job.resolve(response);
    else if (response.kind === 'load') {
      slot.sent.delete(job.model.key);
      job.reject(modelLoadError(job.model.name, response.message));
    } else if (response.kind === 'task') job.reject(reviveError(response.error));
    else job.reject(new Error(`Model "${job.model.name}" failed to run: ${response.message}`));
    this.dispatch();
  }

  private onExit(slot: Slot, code: number): void {
    if (this.closed) return;
    const job = slot.job;
    const reason = slot.crash?.message ?? `exit code ${code}`;
    // Replaced lazily: a worker that cannot start at all then fails one run per attempt instead of
    // respawning in a loop.
    slot.exited = true;
    slot.job = undefined;
    job?.reject(
      new TransientError(`Inference worker stopped while running model "${job.model.name}": ${reason}`),
    );
    this.dispatch();
  }

  private replace(dead: Slot): Slot {
    const fresh = this.newSlot();
    this.slots[this.slots.indexOf(dead)] = fresh;
    return fresh;
  }

  private newSlot(): Slot {
    const slot: Slot = { worker: startInferenceWorker(this.settings), sent: new Set() };
    slot.worker.on('message', (response: WorkerResponse) => this.onResponse(slot, response));
    slot.worker.on('error', (error) => (slot.crash = error));
    slot.worker.on('exit', (code) => this.onExit(slot, code));
    // Idle workers do not keep the process alive; a run refs its worker until it answers.
    slot.worker.unref();
    return slot;
  }
}

function taskBuffers(task: WorkerTask): ArrayBuffer[] {
  if (task.kind === 'run') return bufferList(task.inputs);
  if (task.kind === 'inspect') return [];
  return bufferList({ bytes: { data: task.job.bytes } });
}
