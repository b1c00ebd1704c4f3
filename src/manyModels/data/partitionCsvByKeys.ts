import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { ConflictError, NotFoundError, ValidationError } from '../../errors';
import { resolveCsvOptions, type CsvOptions } from '../../runtime/formats/CsvOptions';
import { fileByteRangeReader } from '../../runtime/formats/ByteRangeReader';
import { CsvKeyedRecordReader } from './CsvKeyedRecordReader';
import { parquetRowsAsCsv } from './parquetRowsAsCsv';
import {
  comparePartitionKeys,
  PARTITION_INDEX_FILE,
  partitionPath,
  type PartitionEntry,
  type PartitionIndex,
} from './PartitionIndex';
import { PartitionFileWriter, type WrittenPartition } from './PartitionFileWriter';

export interface PartitionCsvOptions {
  /** Key columns, e.g. ['Store', 'Brand']: one partition per distinct combination of their values. */
  readonly keys: readonly string[];
  /** Created if missing; must be empty. */
  readonly outDir: string;
  /** Bytes of rows held in memory before the fullest partitions are appended to disk; default 256 MiB. */
  readonly memoryBudgetBytes?: number;
  readonly csv?: CsvOptions;
  /** `source.name` in the index; default the input file's name (required for a stream). */
  readonly sourceName?: string;
  /**
   * Called after each chunk read: data rows so far, and CSV bytes read (for a Parquet file, of the
   * CSV its rows are turned into).
   */
  readonly onProgress?: (progress: { rows: number; bytes: number }) => void;
}

export const DEFAULT_MEMORY_BUDGET_BYTES = 256 * 1024 * 1024;
const READ_CHUNK_BYTES = 1024 * 1024;

/**
 * Splits a CSV file (or stream) by key columns into one CSV per key under `outDir`, header included,
 * rows in input order, in a single streaming pass with bounded memory, then writes `_partitions.json`
 * (see PartitionIndex). Bad input (missing key column, ragged row, empty key value, broken quoting)
 * throws ValidationError naming the file, row and field; no index is written then.
 */
export async function partitionCsvByKeys(
  input: string | Readable,
  options: PartitionCsvOptions,
): Promise<PartitionIndex> {
  const name = sourceNameOf(input, options.sourceName);
  return partitionRecords(() => openInput(input), name, options);
}

/**
 * Partitions a CSV file, or a Parquet file (named `*.parquet`): its rows go through the CSV path one
 * row group at a time (parquetRowsAsCsv), so partitions are CSV either way, and the index's `source`
 * gives the Parquet file's own size and SHA-256.
 */
export async function partitionFileByKeys(
  file: string,
  options: PartitionCsvOptions,
): Promise<PartitionIndex> {
  if (!isParquetFile(file)) return partitionCsvByKeys(file, options);
  const name = options.sourceName ?? path.basename(file);
  const reader = await fileByteRangeReader(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw new NotFoundError(`${file}: no such file to partition`);
    throw error;
  });
  try {
    return await partitionRecords(
      () => parquetRowsAsCsv(reader, name),
      name,
      options,
      () => hashFile(file),
    );
  } finally {
    await reader.close();
  }
}

/** Whether partitionFileByKeys reads the file as Parquet (by its name). */
export function isParquetFile(file: string): boolean {
  return /\.parquet$/i.test(file);
}

async function partitionRecords(
  open: () => AsyncIterable<Buffer>,
  name: string,
  options: PartitionCsvOptions,
  describeSource?: () => Promise<{ bytes: number; sha256: string }>,
): Promise<PartitionIndex> {
  const keys = checkKeys(options.keys);
  const budget = options.memoryBudgetBytes ?? DEFAULT_MEMORY_BUDGET_BYTES;
  if (!(budget > 0))
    throw new ValidationError('memoryBudgetBytes must be positive', { field: 'memoryBudgetBytes' });
  await prepareEmptyDir(options.outDir);

  let writer: PartitionFileWriter | undefined;
  const pathOf = (keyId: number): string => partitionPath(keys, reader.keyValuesOf(keyId));
  const reader = new CsvKeyedRecordReader(
    name,
    keys,
    resolveCsvOptions(options.csv),
    (keyId, bytes, start, end) => {
      writer ??= new PartitionFileWriter(options.outDir, reader.header!.line, budget);
      writer.add(keyId, pathOf, bytes, start, end);
    },
  );
  // A Parquet source is described by its own file (describeSource), not by the CSV its rows become.
  const hash = describeSource ? undefined : createHash('sha256');
  let sourceBytes = 0;
  for await (const chunk of open()) {
    hash?.update(chunk);
    sourceBytes += chunk.length;
    reader.push(chunk);
    if (writer?.overBudget) await writer.relieve();
    options.onProgress?.({ rows: reader.rows, bytes: sourceBytes });
  }
  reader.finish();

  const written = writer === undefined ? [] : await writer.finish();
  const described = describeSource
    ? await describeSource()
    : { bytes: sourceBytes, sha256: hash!.digest('hex') };
  const index: PartitionIndex = {
    keys,
    header: reader.header!.columns,
    partitions: toEntries(written, keys, reader),
    source: { name, rows: reader.rows, ...described },
  };
  const rows = index.partitions.reduce((sum, p) => sum + p.rows, 0);
  if (rows !== reader.rows) throw new Error(`partitions hold ${rows} rows, the source ${reader.rows}`);
  await writeIndex(options.outDir, index);
  return index;
}

function toEntries(
  written: WrittenPartition[],
  keys: string[],
  reader: CsvKeyedRecordReader,
): PartitionEntry[] {
  const entries = written.map((w) => ({ values: reader.keyValuesOf(w.keyId), written: w }));
  entries.sort((a, b) => comparePartitionKeys(a.values, b.values));
  return entries.map(({ values, written: w }) => ({
    key: Object.fromEntries(keys.map((key, i) => [key, values[i]!])),
    path: w.path,
    rows: w.rows,
    bytes: w.bytes,
  }));
}

function checkKeys(keys: readonly string[]): string[] {
  if (keys.length === 0)
    throw new ValidationError('partition keys must name at least one column', { field: 'keys' });
  const seen = new Set<string>();
  for (const key of keys) {
    if (key.length === 0 || seen.has(key)) {
      throw new ValidationError(
        `partition keys must be distinct, non-empty column names: ${JSON.stringify(keys)}`,
        {
          field: 'keys',
        },
      );
    }
    seen.add(key);
  }
  return [...keys];
}

function sourceNameOf(input: string | Readable, sourceName: string | undefined): string {
  if (sourceName !== undefined) return sourceName;
  if (typeof input === 'string') return path.basename(input);
  throw new ValidationError('sourceName is required when the input is a stream', { field: 'sourceName' });
}

async function* openInput(input: string | Readable): AsyncGenerator<Buffer> {
  const stream =
    typeof input === 'string' ? createReadStream(input, { highWaterMark: READ_CHUNK_BYTES }) : input;
  try {
    for await (const chunk of stream)
      yield typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
  } catch (error) {
    if (typeof input === 'string' && (error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new NotFoundError(`${input}: no such file to partition`);
    }
    throw error;
  } finally {
    stream.destroy();
  }
}

async function hashFile(file: string): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: READ_CHUNK_BYTES })) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { bytes, sha256: hash.digest('hex') };
}

async function prepareEmptyDir(outDir: string): Promise<void> {
  await mkdir(outDir, { recursive: true });
  const existing = await readdir(outDir);
  if (existing.length > 0) {
    throw new ConflictError(
      `${outDir} is not empty (${existing.length} entries): partitions need an empty folder`,
    );
  }
}

async function writeIndex(outDir: string, index: PartitionIndex): Promise<void> {
  const file = path.join(outDir, PARTITION_INDEX_FILE);
  await writeFile(`${file}.tmp`, JSON.stringify(index, null, 2) + '\n', { flag: 'wx' });
  await rename(`${file}.tmp`, file);
}
