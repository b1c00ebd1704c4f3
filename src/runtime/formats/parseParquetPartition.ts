import type { FileMetaData } from 'hyparquet' with { 'resolution-mode': 'import' };
import { ConflictError, ValidationError } from '../../errors';
import type { Partition, ScoringBatch, ScoringSchema } from './ScoringBatch';
import { BatchBuilder } from './BatchBuilder';
import type { ByteRangeReader } from './ByteRangeReader';
import { loadHyparquet } from './loadParquetLibraries';
import { mapSchemaColumns } from './mapSchemaColumns';
import { parquetColumns, readParquetMetadata } from './parquetColumns';
import { parquetFeatureValue } from './parquetFeatureValue';
import { stringifyValue } from './stringifyValue';

/** Column values as hyparquet decodes them: typed arrays, or arrays with nulls for optional columns. */
type ColumnValues = ArrayLike<unknown>;

/**
 * Reads the rows of one planned Parquet partition (a row group): only the schema's columns, only their
 * column chunks. Numeric columns become float32 features; a null or non-finite feature makes the row
 * an error row. Missing columns and non-numeric feature columns are a ValidationError before any row.
 */
export async function parseParquetPartition(
  reader: ByteRangeReader,
  partition: Partition,
  schema: ScoringSchema,
  options: { initialFetchSize?: number } = {},
): Promise<ScoringBatch> {
  const lib = await loadHyparquet();
  const metadata = await readParquetMetadata(lib, reader, options);
  checkColumns(lib, metadata, schema);
  checkPartition(metadata, partition);
  const rowStart = partition.firstRow - 1;
  const rowEnd = rowStart + partition.rows;
  const names = [...new Set([...schema.featureColumns, ...schema.passThroughColumns])];
  const scan = await lib.parquetScan({ file: reader, metadata, columns: names, rowStart, rowEnd });
  const values = await Promise.all(names.map((column) => scan.readColumn({ column, rowStart, rowEnd })));
  const byName = new Map(names.map((name, i) => [name, values[i] as ColumnValues]));
  return buildBatch(
    partition,
    schema.featureColumns.map((name) => byName.get(name)!),
    schema.passThroughColumns.map((name) => byName.get(name)!),
    schema.featureColumns,
  );
}

function checkColumns(
  lib: Parameters<typeof parquetColumns>[0],
  metadata: FileMetaData,
  schema: ScoringSchema,
): void {
  const columns = parquetColumns(lib, metadata);
  mapSchemaColumns(
    columns.map((column) => column.name),
    schema,
  );
  const notNumeric = columns.filter(
    (column) => !column.numeric && schema.featureColumns.includes(column.name),
  );
  if (notNumeric.length > 0) {
    const list = notNumeric.map((column) => `${column.name} (${column.type})`).join(', ');
    throw new ValidationError(`feature column(s) not numeric: ${list}`, {
      field: notNumeric.map((column) => column.name).join(','),
    });
  }
}

/** The partition must still match the file's row groups: a changed file is a conflict, not bad rows. */
function checkPartition(metadata: FileMetaData, partition: Partition): void {
  const totalRows = Number(metadata.num_rows);
  const inFile = partition.firstRow >= 1 && partition.firstRow - 1 + partition.rows <= totalRows;
  if (inFile && (partition.rowGroup === undefined || isRowGroupOf(metadata, partition.rowGroup, partition)))
    return;
  throw new ConflictError(
    `partition ${partition.index} (rows ${partition.firstRow} to ${partition.firstRow + partition.rows - 1}) ` +
      `does not match the file's row groups (${totalRows} rows): the input changed since it was planned`,
  );
}

function isRowGroupOf(metadata: FileMetaData, index: number, partition: Partition): boolean {
  const group = metadata.row_groups[index];
  const rowsBefore = metadata.row_groups
    .slice(0, index)
    .reduce((sum, { num_rows }) => sum + Number(num_rows), 0);
  return (
    group !== undefined && rowsBefore + 1 === partition.firstRow && Number(group.num_rows) === partition.rows
  );
}

function buildBatch(
  partition: Partition,
  features: ColumnValues[],
  passThrough: ColumnValues[],
  featureNames: readonly string[],
): ScoringBatch {
  const batch = new BatchBuilder(features.length, passThrough.length, partition.rows);
  rows: for (let i = 0; i < partition.rows; i++) {
    const row = partition.firstRow + i;
    const offset = batch.nextRowOffset();
    const target = batch.features;
    for (let f = 0; f < features.length; f++) {
      const value = parquetFeatureValue(features[f]![i]);
      if (typeof value !== 'number') {
        batch.rejectRow({ row, field: featureNames[f], reason: value.reason });
        continue rows;
      }
      target[offset + f] = value;
    }
    batch.acceptRow(
      row,
      passThrough.map((column) => stringifyValue(column[i])),
    );
  }
  return batch.finish();
}
