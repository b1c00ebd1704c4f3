import type { PredictionColumn } from '../formats/ScoringBatch';
import type { FeatureMapping } from './mapFeatures';
import type { OutputTensor, TensorData } from './tensors';

/** How a batch is cut into runs. */
export interface PredictOptions {
  /** Most rows in one run; default 65,536. */
  readonly maxChunkRows?: number;
  /** Fewest rows worth a run of their own when splitting a batch across the pool's workers; default 4,096. */
  readonly minChunkRows?: number;
}

export type Chunk = readonly [start: number, end: number];

export function planChunks(rowCount: number, workers: number, options: PredictOptions): Chunk[] {
  const maxRows = options.maxChunkRows ?? 65_536;
  const minRows = options.minChunkRows ?? 4_096;
  const count = Math.max(Math.ceil(rowCount / maxRows), Math.min(workers, Math.floor(rowCount / minRows)), 1);
  const size = Math.ceil(rowCount / count);
  const chunks: Chunk[] = [];
  for (let start = 0; start < rowCount; start += size) chunks.push([start, Math.min(rowCount, start + size)]);
  return chunks;
}

/** Fresh arrays for rows [start, end) of each input: they are transferred to a worker. */
export function chunkInputs(
  mapping: FeatureMapping,
  features: Float32Array,
  start: number,
  end: number,
): Record<string, TensorData<Float32Array>> {
  const stride = mapping.featureColumns.length;
  const rows = end - start;
  const inputs: Record<string, TensorData<Float32Array>> = {};
  for (const input of mapping.inputs) {
    const indexes = input.featureIndexes;
    const width = indexes.length;
    let data: Float32Array;
    if (width === stride && indexes.every((index, i) => index === i)) {
      data = features.slice(start * stride, end * stride);
    } else {
      data = new Float32Array(rows * width);
      for (let r = 0; r < rows; r++) {
        const from = (start + r) * stride;
        for (let j = 0; j < width; j++) data[r * width + j] = features[from + (indexes[j] ?? 0)] ?? 0;
      }
    }
    inputs[input.name] = { data, dims: [rows, ...input.rowShape] };
  }
  return inputs;
}

/** The output for rows [start, end), checked to hold one row per input row. */
export function checkRows(
  model: string,
  name: string,
  output: OutputTensor | undefined,
  [start, end]: Chunk,
): OutputTensor {
  if (output === undefined) throw new Error(`Model "${model}" returned no output "${name}"`);
  if (output.dims[0] !== end - start) {
    throw new Error(
      `Model "${model}" output "${name}" has shape [${output.dims.join(', ')}] for ${end - start} rows: not one row per input row`,
    );
  }
  return output;
}

/** Concatenates chunk outputs; types PredictionColumn cannot hold widen (small ints, bool → int32; uint32 → float64). */
export function joinColumn(
  name: string,
  elementType: string,
  parts: OutputTensor[],
  rowCount: number,
): PredictionColumn {
  const first = parts[0];
  const width = first === undefined ? 1 : first.dims.slice(1).reduce((a, b) => a * b, 1);
  const values = columnArray(first?.type ?? elementType, rowCount * width);
  let offset = 0;
  for (const part of parts) {
    if (values instanceof BigInt64Array) values.set(part.data as BigInt64Array, offset);
    else values.set(part.data as Float64Array, offset);
    offset += part.data.length;
  }
  return { name, width, values };
}

function columnArray(type: string, length: number): PredictionColumn['values'] {
  switch (type) {
    case 'float32':
      return new Float32Array(length);
    case 'int64':
      return new BigInt64Array(length);
    case 'float64':
    case 'uint32':
      return new Float64Array(length);
    default:
      return new Int32Array(length);
  }
}
