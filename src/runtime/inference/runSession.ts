import { Tensor, type InferenceSession } from 'onnxruntime-node';
import type { OutputTensor, TensorData, WorkerTensorArray } from './tensors';

type Inputs = Readonly<Record<string, TensorData<Float32Array>>>;

/**
 * Runs a session on float32 inputs of N rows: converts each input to the element type the model
 * declares, and when the model's batch dimension is fixed (e.g. [1,F]) runs it in chunks of that size,
 * padding the last chunk with zeros and dropping the padded rows from the outputs.
 */
export async function runSession(
  session: InferenceSession,
  inputs: Inputs,
  outputNames: readonly string[],
): Promise<Record<string, OutputTensor>> {
  const rows = rowCountOf(inputs);
  const batch = fixedBatchSize(session);
  if (batch === undefined || batch === rows) return runOnce(session, inputs, outputNames);
  const chunks: Record<string, OutputTensor>[] = [];
  for (let start = 0; start < rows; start += batch) {
    chunks.push(await runOnce(session, sliceRows(inputs, start, batch), outputNames));
  }
  return Object.fromEntries(outputNames.map((name) => [name, joinChunks(name, chunks, batch, rows)]));
}

async function runOnce(
  session: InferenceSession,
  inputs: Inputs,
  outputNames: readonly string[],
): Promise<Record<string, OutputTensor>> {
  const feeds: Record<string, Tensor> = {};
  for (const [name, input] of Object.entries(inputs)) {
    const declared = session.inputMetadata.find((m) => m.name === name);
    const type = declared?.isTensor ? declared.type : 'float32';
    feeds[name] = new Tensor(type, convert(input.data, type, name), input.dims);
  }
  const results = await session.run(feeds, [...outputNames]);
  const outputs: Record<string, OutputTensor> = {};
  for (const name of outputNames) {
    const value = results[name];
    if (!(value instanceof Tensor) || Array.isArray(value.data)) {
      throw new Error(`output "${name}" is not a numeric tensor`);
    }
    outputs[name] = { data: value.data, dims: [...value.dims], type: value.type };
  }
  return outputs;
}

/** The model's fixed batch size: a number as the first dimension of any input. */
function fixedBatchSize(session: InferenceSession): number | undefined {
  for (const input of session.inputMetadata) {
    if (!input.isTensor) continue;
    const first = input.shape[0];
    if (typeof first === 'number' && input.shape.length > 1) return first;
  }
  return undefined;
}

function rowCountOf(inputs: Inputs): number {
  const first = Object.values(inputs)[0];
  return first?.dims[0] ?? 0;
}

/** `count` rows from `start` of every input, zero-padded past the end. */
function sliceRows(inputs: Inputs, start: number, count: number): Inputs {
  const sliced: Record<string, TensorData<Float32Array>> = {};
  for (const [name, input] of Object.entries(inputs)) {
    const width = input.dims.slice(1).reduce((a, b) => a * b, 1);
    const data = new Float32Array(count * width);
    data.set(input.data.subarray(start * width, Math.min((start + count) * width, input.data.length)));
    sliced[name] = { data, dims: [count, ...input.dims.slice(1)] };
  }
  return sliced;
}

function joinChunks(
  name: string,
  chunks: Record<string, OutputTensor>[],
  batch: number,
  rows: number,
): OutputTensor {
  const first = chunks[0]?.[name];
  if (first === undefined) throw new Error(`output "${name}" missing`);
  if (first.dims[0] !== batch) {
    throw new Error(`output "${name}" has shape [${first.dims.join(',')}], not one row per input row`);
  }
  const width = first.dims.slice(1).reduce((a, b) => a * b, 1);
  const Constructor = first.data.constructor as new (length: number) => WorkerTensorArray;
  const data = new Constructor(rows * width);
  chunks.forEach((chunk, index) => {
    const part = chunk[name]?.data;
    const take = Math.min(batch, rows - index * batch) * width;
    if (part !== undefined)
      (data as Float32Array).set(part.subarray(0, take) as Float32Array, index * batch * width);
  });
  return { data, dims: [rows, ...first.dims.slice(1)], type: first.type };
}

/** Float32 values as the element type the model declares; integers are rounded. */
function convert(data: Float32Array, type: string, name: string): WorkerTensorArray {
  switch (type) {
    case 'float32':
      return data;
    case 'float64':
      return Float64Array.from(data);
    case 'int32':
      return Int32Array.from(data, Math.round);
    case 'int64':
      return BigInt64Array.from(data, (v) => BigInt(Math.round(v)));
    case 'uint8':
      // Uint8Array.from clamps nothing: values past 0..255 would wrap, so clamp first.
      return Uint8Array.from(data, (v) => Math.min(255, Math.max(0, Math.round(v))));
    default:
      throw new Error(`input "${name}" has element type ${type}; only numeric inputs can be fed`);
  }
}
