import os from 'node:os';
import type { Worker } from 'node:worker_threads';
import { TransientError } from '../../errors';
import type { ScoredPartition } from '../formats/ScoringBatch';
import { WorkerStoppedError } from '../workers/workerErrors';
import { WorkerPool, type WorkerModule } from '../workers/WorkerPool';
import { bufferList } from './bufferList';
import type { ModelSignature } from './readModelSignature';
import type { ImageClassification, ImageClassificationJob } from './classifyImages';
import type { TextPartitionJob } from './textPartition';
import type { OutputTensor, TensorData } from './tensors';
import type {
  InferenceRequest,
  InferenceResult,
  InferenceSettings,
  InferenceTask,
  InspectOutcome,
} from './workerProtocol';

export type { OutputTensor, TensorData } from './tensors';

/** A model as the pool knows it: `key` (its SHA-256) names the cached session in each worker. */
export interface ModelHandle {
  readonly key: string;
  readonly name: string;
  readonly onnx: Uint8Array;
}

export interface InferencePoolOptions {
  /** The shared worker pool; without one, the inference pool starts its own of `size` threads. */
  readonly workers?: WorkerPool;
  /** Threads of its own pool; default: the number of cores. */
  readonly size?: number;
  /** Sessions each worker keeps (least recently used out first); default 4. */
  readonly maxSessionsPerWorker?: number;
  /** onnxruntime intra-op threads per session; default 1, as the pool already uses every core. */
  readonly intraOpThreads?: number;
}

export interface RunOptions {
  /** Hand the input buffers to the worker instead of copying them: the caller's arrays become empty. */
  readonly transferInputs?: boolean;
}

const inferenceModule: WorkerModule = {
  directory: __dirname,
  name: 'inferenceWorker',
  label: 'inference worker',
};

/**
 * Inference on the worker pool, so that it never blocks the event loop. Each worker keeps sessions per
 * model key; a model's bytes are copied once into shared memory and every request carries them
 * without a copy, so whichever worker takes a request can open the session. A worker that dies fails
 * its run with a TransientError naming the model, and the pool replaces it.
 */
export class InferencePool {
  readonly #workers: WorkerPool;
  readonly #ownsWorkers: boolean;
  readonly #settings: InferenceSettings;
  readonly #shared = new WeakMap<Uint8Array, Uint8Array>();
  #closed = false;

  constructor(options: InferencePoolOptions = {}) {
    this.#ownsWorkers = options.workers === undefined;
    this.#workers =
      options.workers ?? new WorkerPool({ size: options.size ?? Math.max(1, os.availableParallelism()) });
    this.#settings = {
      maxSessions: options.maxSessionsPerWorker ?? 4,
      intraOpThreads: options.intraOpThreads ?? 1,
    };
  }

  /** Number of worker threads. */
  get size(): number {
    return this.#workers.size;
  }

  /** Runs the model on float32 inputs and returns the named outputs (typed arrays, transferred back). */
  async run(
    model: ModelHandle,
    inputs: Readonly<Record<string, TensorData<Float32Array>>>,
    outputNames: readonly string[],
    options: RunOptions = {},
  ): Promise<Record<string, OutputTensor>> {
    const task = { kind: 'run', inputs, outputNames } as const;
    const result = await this.#submit(model, task, options.transferInputs ? bufferList(inputs) : []);
    return 'outputs' in result ? result.outputs : {};
  }

  /**
   * Parses, scores and formats one CSV or JSON Lines partition in a worker; `job.bytes` is transferred
   * (the caller's buffer becomes empty). Errors of the input (bad header, changed input) come back as
   * the same error classes.
   */
  async scoreText(model: ModelHandle, job: TextPartitionJob): Promise<ScoredPartition> {
    const result = await this.#submit(
      model,
      { kind: 'scoreText', job },
      bufferList({ bytes: { data: job.bytes } }),
    );
    if (!('partition' in result)) throw new Error('The inference worker answered with no partition');
    const { output } = result.partition;
    return { ...result.partition, output: Buffer.from(output.buffer, output.byteOffset, output.byteLength) };
  }

  /**
   * Decodes and classifies a shard of images in a worker. The images' bytes are transferred: each
   * must own its whole buffer (a view into a shared one, such as Node's pooled small Buffers, is
   * copied first so that nothing else is detached).
   */
  async classifyImages(
    model: ModelHandle,
    job: ImageClassificationJob,
  ): Promise<readonly ImageClassification[]> {
    const images = job.images.map(({ name, bytes }) => ({
      name,
      bytes:
        bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
          ? bytes
          : // The generic typed-array slice copies (Buffer's own slice would return a view).
            Uint8Array.prototype.slice.call(bytes),
    }));
    const buffers = Object.fromEntries(images.map((image, i) => [i, { data: image.bytes }]));
    const task = { kind: 'classifyImages', job: { ...job, images } } as const;
    const result = await this.#submit(model, task, bufferList(buffers));
    if (!('classifications' in result)) throw new Error('The inference worker answered with no images');
    return result.classifications;
  }

  /**
   * Loads the model in a worker (whose session then serves later runs) and reads its signature; a file
   * onnxruntime cannot load is a ValidationError with the runtime's reason.
   */
  async inspect(model: ModelHandle): Promise<ModelSignature> {
    const result = await this.#submit(model, { kind: 'inspect' }, []);
    if (!('signature' in result)) throw new Error('The inference worker answered with no signature');
    return result.signature;
  }

  /**
   * Reads several models' signatures in one task (registering a batch of keys' models): each is loaded
   * and released in turn, none kept. Each comes back as its signature or the runtime's reason.
   */
  async inspectAll(
    models: readonly { readonly name: string; readonly onnx: Uint8Array }[],
  ): Promise<readonly InspectOutcome[]> {
    if (this.#closed) throw new Error('InferencePool is closed');
    const request: InferenceRequest = {
      key: '',
      name: models.map((model) => model.name).join(', '),
      onnx: new Uint8Array(0),
      settings: this.#settings,
      task: { kind: 'inspectAll', models },
    };
    const result = await this.#workers.run<InferenceResult>(inferenceModule, request);
    if (!('signatures' in result)) throw new Error('The inference worker answered with no signatures');
    return result.signatures;
  }

  /** Closes its own worker pool (a shared one is closed by its owner); later runs are refused. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#ownsWorkers) await this.#workers.close();
  }

  /** The worker threads (for tests that kill one, as a crash would). */
  protected workerThreads(): readonly Worker[] {
    return this.#workers.threads;
  }

  async #submit(model: ModelHandle, task: InferenceTask, transfer: ArrayBuffer[]): Promise<InferenceResult> {
    if (this.#closed) throw new Error('InferencePool is closed');
    const request: InferenceRequest = {
      key: model.key,
      name: model.name,
      onnx: this.#sharedBytes(model.onnx),
      settings: this.#settings,
      task,
    };
    try {
      return await this.#workers.run<InferenceResult>(inferenceModule, request, {
        transfer,
        span: { name: 'inference', attributes: { 'model.name': model.name, 'inference.task': task.kind } },
      });
    } catch (error) {
      if (error instanceof WorkerStoppedError)
        throw new TransientError(
          `Inference worker stopped while running model "${model.name}": ${error.reason}`,
        );
      throw error;
    }
  }

  /** The model's bytes in shared memory, copied once per byte array. */
  #sharedBytes(onnx: Uint8Array): Uint8Array {
    let shared = this.#shared.get(onnx);
    if (!shared) {
      shared = new Uint8Array(new SharedArrayBuffer(onnx.byteLength));
      shared.set(onnx);
      this.#shared.set(onnx, shared);
    }
    return shared;
  }
}
