/** Requests the InferencePool sends its worker module. Types only: both sides import it. */
import type { ImageClassification, ImageClassificationJob } from './classifyImages';
import type { ModelSignature } from './readModelSignature';
import type { OutputTensor, TensorData } from './tensors';
import type { TextPartitionJob, TextPartitionResult } from './textPartition';

/** Session settings, sent with every request (a worker sizes its session cache on the first). */
export interface InferenceSettings {
  readonly maxSessions: number;
  readonly intraOpThreads: number;
}

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

/** Decode, preprocess and classify a shard of images. */
export interface ClassifyImagesTask {
  readonly kind: 'classifyImages';
  readonly job: ImageClassificationJob;
}

/** Load the model (keeping its session for later runs) and read its signature. */
export interface InspectTask {
  readonly kind: 'inspect';
}

/** Load several models one after another, read each one's signature, and keep none of their sessions. */
export interface InspectAllTask {
  readonly kind: 'inspectAll';
  readonly models: readonly { readonly name: string; readonly onnx: Uint8Array }[];
}

export type InferenceTask = RunTask | ScoreTextTask | ClassifyImagesTask | InspectTask | InspectAllTask;

/** One model's signature from an InspectAllTask, or why onnxruntime refused it. */
export type InspectOutcome =
  | { readonly ok: true; readonly signature: ModelSignature }
  | { readonly ok: false; readonly message: string };

export interface InferenceRequest {
  /** Session cache key (the model's SHA-256) and name (for messages). */
  readonly key: string;
  readonly name: string;
  /**
   * The model bytes over a SharedArrayBuffer: every request carries them without a copy, so any
   * worker can open a session it does not hold yet.
   */
  readonly onnx: Uint8Array;
  readonly settings: InferenceSettings;
  readonly task: InferenceTask;
}

export type InferenceResult =
  | { readonly outputs: Record<string, OutputTensor> }
  | { readonly partition: TextPartitionResult }
  | { readonly classifications: readonly ImageClassification[] }
  | { readonly signature: ModelSignature }
  | { readonly signatures: readonly InspectOutcome[] };
