import type { FileMetaData, SchemaTree } from 'hyparquet' with { 'resolution-mode': 'import' };
import { ValidationError } from '../../errors';
import type { ByteRangeReader } from './ByteRangeReader';
import type { HyparquetModule } from './loadParquetLibraries';

/** A top-level column of a Parquet file. */
export interface ParquetColumn {
  readonly name: string;
  /** The logical type when there is one (STRING, DECIMAL, TIMESTAMP, LIST...), else the physical type. */
  readonly type: string;
  /** Readable as a float32 feature: integers, floats, booleans (0/1), decimals, float16. */
  readonly numeric: boolean;
}

const NUMERIC_PHYSICAL = new Set(['BOOLEAN', 'INT32', 'INT64', 'FLOAT', 'DOUBLE']);
/** Annotations that make a numeric physical type a date or time, which is not a feature value. */
const TEMPORAL = /^(DATE|TIME|TIMESTAMP|INTERVAL)/;

/**
 * Reads the footer; a file that is not Parquet is a ValidationError. `initialFetchSize`: the bytes read
 * from the end first (hyparquet's default, 512 KiB, saves a second read of most footers).
 */
export async function readParquetMetadata(
  lib: HyparquetModule,
  reader: ByteRangeReader,
  options: { initialFetchSize?: number } = {},
): Promise<FileMetaData> {
  try {
    return await lib.parquetMetadataAsync(reader, options);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ValidationError(`not a readable Parquet file: ${reason}`);
  }
}

/** The file's top-level columns with their types. */
export function parquetColumns(lib: HyparquetModule, metadata: FileMetaData): ParquetColumn[] {
  return lib.parquetSchema(metadata).children.map(describeColumn);
}

function describeColumn(node: SchemaTree): ParquetColumn {
  const { name, type: physical, logical_type: logical, converted_type: converted } = node.element;
  if (node.children.length > 0) return { name, type: logical?.type ?? converted ?? 'STRUCT', numeric: false };
  if (logical?.type === 'DECIMAL' || converted === 'DECIMAL') return { name, type: 'DECIMAL', numeric: true };
  if (logical?.type === 'FLOAT16') return { name, type: 'FLOAT16', numeric: true };
  const annotation = logical?.type === 'INTEGER' ? undefined : (logical?.type ?? converted);
  const isString = annotation === 'STRING' || annotation === 'UTF8';
  const type = isString ? 'STRING' : (annotation ?? physical ?? 'UNKNOWN');
  const temporal = annotation !== undefined && TEMPORAL.test(annotation);
  return { name, type, numeric: physical !== undefined && NUMERIC_PHYSICAL.has(physical) && !temporal };
}
