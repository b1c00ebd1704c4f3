import type { ColumnSource } from 'hyparquet-writer' with { 'resolution-mode': 'import' };
import type { PredictionColumn, ScoringBatch } from './ScoringBatch';
import type { OutputOptions } from './formatCsvOutput';
import { layoutOutput, type PredictionField } from './layoutOutput';
import { loadHyparquetWriter } from './loadParquetLibraries';

const PARQUET_TYPES = {
  Float32Array: 'FLOAT',
  Float64Array: 'DOUBLE',
  Int32Array: 'INT32',
  BigInt64Array: 'INT64',
} as const;

/**
 * The good rows of a batch as one Parquet file (one row group, Snappy): pass-through columns as
 * required strings, prediction columns with the model output's type (float, double, int32, int64).
 * Unlike CSV and JSON Lines, partition outputs do not concatenate: each is a file of its own.
 * `includeHeader` changes nothing.
 */
export async function formatParquetOutput(
  batch: ScoringBatch,
  predictions: readonly PredictionColumn[],
  options: OutputOptions,
): Promise<Buffer> {
  const layout = layoutOutput(batch, predictions, options.passThroughColumns);
  const columnData: ColumnSource[] = [
    ...layout.passThroughNames.map((name, i): ColumnSource => ({
      name,
      data: batch.passThrough[i]!,
      type: 'STRING',
      nullable: false,
    })),
    ...layout.predictions.map((field): ColumnSource => ({
      name: field.name,
      data: componentValues(field, batch.rowCount),
      type: parquetType(field),
      nullable: false,
    })),
  ];
  const lib = await loadHyparquetWriter();
  const rowGroupSize = Math.max(batch.rowCount, 1);
  return Buffer.from(lib.parquetWriteBuffer({ columnData, rowGroupSize }));
}

function parquetType(field: PredictionField): 'FLOAT' | 'DOUBLE' | 'INT32' | 'INT64' {
  // Not instanceof: outputs may come from a worker thread's realm.
  return PARQUET_TYPES[field.values[Symbol.toStringTag]];
}

/** One component of a model output, as an array of the output's own type. */
function componentValues(field: PredictionField, rows: number): PredictionColumn['values'] {
  if (field.width === 1) return field.values;
  const Constructor = field.values.constructor as new (length: number) => PredictionColumn['values'];
  const values = new Constructor(rows);
  for (let row = 0; row < rows; row++) values[row] = field.values[row * field.width + field.component]!;
  return values;
}
