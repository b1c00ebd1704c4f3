/** Tensors as they cross between the pool and its workers: typed arrays with their dims. */

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

export interface OutputTensor extends TensorData {
  /** onnxruntime's element type name. */
  readonly type: string;
}
