/** Messages between InferencePool and inferenceWorker. Types only: both sides import it. */
import type { WorkerError } from '../workers/workerErrors';
import type { ModelSignature } from './readModelSignature';
import type { TextPartitionJob, TextPartitionResult } from './textPartition';

/** Settings a worker gets at start (workerData). */
export interface WorkerSettings {
  readonly maxSessions: number;
  readonly intraOpThreads: number;
}

/** A tensor fed to or returned by a model: data row-major with its dims. */
export interface TensorData<T = WorkerTensorArray> {
  readonly data: T;
  readonly dims: readonly number[];
}

export type WorkerTensorArray =
  | Float32Array
  | Float64Array
  | Int32Array
  | BigInt64Array
  | Uint8Array
  | Int8Array
  | Uint16Array
  | Int16Array
  | Uint32Array
  | BigUint64Array;

/** Run a model on ready inputs. */
export interface RunTask {
  readonly kind: 'run';
  readonly inputs: Readonly<Record<string, TensorData<Float32Array>>>;
  readonly outputNames: readonly string[];
}

/** Parse, score and format one text partition. */
export interface ScoreTextTask {
  readonly kind: 'scoreText';
  readonly job: TextPartitionJob;
}

/** Load the model (keeping its session for later runs) and read its signature. */
export interface InspectTask {
  readonly kind: 'inspect';
}

export type WorkerTask = RunTask | ScoreTextTask | InspectTask;

export interface WorkerRequest {
  readonly id: number;
  /** Model cache key (its SHA-256). */
  readonly key: string;
  /** For error messages. */
  readonly name: string;
  /** The model bytes, sent only when the worker does not hold a session for `key`. */
  readonly onnx?: Uint8Array;
  readonly task: WorkerTask;
}

export interface OutputTensor extends TensorData {
  /** onnxruntime's element type name. */
  readonly type: string;
}

export type WorkerResponse =
  | { readonly id: number; readonly ok: true; readonly outputs: Record<string, OutputTensor> }
  | { readonly id: number; readonly ok: true; readonly partition: TextPartitionResult }
  | { readonly id: number; readonly ok: true; readonly signature: ModelSignature }
  | {
      readonly id: number;
      readonly ok: false;
      /** load: the model does not load; run: inference failed; task: the task's own error (e.g. bad input). */
      readonly kind: 'load' | 'run';
      readonly message: string;
    }
  | { readonly id: number; readonly ok: false; readonly kind: 'task'; readonly error: WorkerError }
  | {
      readonly id: number;
      readonly ok: false;
      /** The worker no longer holds the session: resend with the bytes. The task comes back with it. */
      readonly kind: 'missing-model';
      readonly task: WorkerTask;
    };
