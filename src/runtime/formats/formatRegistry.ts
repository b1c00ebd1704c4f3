import type { BlobClient } from '@azure/storage-blob';
import { blobRangeReader, downloadRange, streamBlob } from './blobReads';
import {
  formatCsvOutput,
  formatJsonlOutput,
  formatParquetOutput,
  parseCsvPartition,
  parseJsonlPartition,
  parseParquetPartition,
  planCsvPartitions,
  planJsonlPartitions,
  readParquetLayout,
  takeWholeCsvRecords,
  takeWholeJsonlRecords,
} from './';
import { judgeNumericColumns } from './judgeNumericColumns';
import { readParquetSlices } from './ParquetSlices';
import type { ParseRequest } from './parseWorker';
import type { Partition, ScoringBatch, ScoringSchema } from './ScoringBatch';
import type { FormatOptions, FormatRegistry, InputFormatReader, InputLayout } from './FormatPorts';
import { ValidationError } from '../../errors';
import { WorkerTimeoutError } from '../workers/workerErrors';
import type { WorkerModule, WorkerPool } from '../workers/WorkerPool';

// Numeric columns are judged on the first rows: up to this many bytes of the first partition.
const sampleBytes = 64 * 1024;
const maxSampleBytes = 64 * 1024 * 1024;

type TextParser = (
  bytes: Buffer,
  partition: Partition,
  header: readonly string[],
  schema: ScoringSchema,
  options: FormatOptions,
) => ScoringBatch;
type TextPlanner = (
  chunks: AsyncIterable<Buffer>,
  bytes: number,
  options: FormatOptions,
  target: number,
) => Promise<InputLayout>;
type WholeRecordsOf = (sample: Buffer, options: FormatOptions) => { bytes: Buffer; rows: number };

/**
 * The whole records at the start of the first partition: 64 KiB of it, widened (up to 64 MiB) while
 * that holds no whole record, so a very long first row does not leave the column types unjudged.
 */
async function sampleRecords(
  blob: BlobClient,
  first: Partition,
  options: FormatOptions,
  wholeRecords: WholeRecordsOf,
): Promise<{ bytes: Buffer; rows: number }> {
  let window = sampleBytes;
  for (;;) {
    const end = Math.min(first.end, first.start + window);
    const sample = await downloadRange(blob, first.start, end, options.etag);
    if (end === first.end) return { bytes: sample, rows: first.rows };
    // The sample may end inside a record: keep the whole ones.
    const records = wholeRecords(sample, options);
    if (records.rows > 0 || window >= maxSampleBytes) return records;
    window = Math.min(maxSampleBytes, window * 16);
  }
}

const parseModule: WorkerModule = { directory: __dirname, name: 'parseWorker', label: 'parse worker' };

/**
 * Runs a partition's parse in the worker pool, bounded in time: a decoder stuck on corrupt data (a
 * bit-flipped Parquet page can make one loop) stops its thread instead of hanging the host. The bound
 * grows with the bytes: 10 s, plus 2 s a MiB.
 */
async function parseInPool(
  workers: WorkerPool,
  request: ParseRequest,
  bytes: number,
  transfer: ArrayBuffer[],
): Promise<ScoringBatch> {
  const timeoutMs = 10_000 + Math.ceil((bytes / 2 ** 20) * 2000);
  try {
    return await workers.run<ScoringBatch>(parseModule, request, { transfer, timeoutMs });
  } catch (error) {
    if (!(error instanceof WorkerTimeoutError)) throw error;
    throw new ValidationError(
      `partition ${request.partition.index} could not be parsed within ${Math.round(timeoutMs / 1000)} s: the file is probably corrupt`,
    );
  }
}

/** CSV and JSON Lines: one streaming planning pass, then byte-range reads per partition. */
function textReader(
  format: 'csv' | 'jsonl',
  plan: TextPlanner,
  parse: TextParser,
  wholeRecords: WholeRecordsOf,
  workers: WorkerPool | undefined,
): InputFormatReader {
  return {
    layout: (blob, bytes, options, target) => plan(streamBlob(blob, options.etag), bytes, options, target),
    async numericColumns(blob, layout, options) {
      const first = layout.partitions[0];
      if (!first) return [];
      const { bytes, rows } = await sampleRecords(blob, first, options, wholeRecords);
      if (rows === 0) return [];
      const partition: Partition = { index: 0, start: 0, end: bytes.length, firstRow: 1, rows };
      return judgeNumericColumns(layout.header, (schema) =>
        parse(bytes, partition, layout.header, schema, options),
      );
    },
    readBytes: (blob, partition, options) =>
      downloadRange(blob, partition.start, partition.end, options.etag),
    async parse(blob, layout, partition, schema, options) {
      const bytes = await downloadRange(blob, partition.start, partition.end, options.etag);
      if (!workers) return parse(bytes, partition, layout.header, schema, options);
      const request: ParseRequest = {
        kind: 'text',
        format,
        bytes,
        header: layout.header,
        delimiter: options.delimiter,
        partition,
        schema,
      };
      const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
      return parseInPool(workers, request, bytes.length, whole ? [bytes.buffer as ArrayBuffer] : []);
    },
  };
}

function parquetReader(workers: WorkerPool | undefined): InputFormatReader {
  return {
    async layout(blob, bytes, options) {
      const layout = await readParquetLayout(blobRangeReader(blob, bytes, options.etag));
      return {
        header: layout.columns.map((column) => column.name),
        partitions: layout.partitions,
        totalRows: layout.totalRows,
      };
    },
    async numericColumns(blob: BlobClient, _layout, options) {
      const properties = await blob.getProperties({ conditions: { ifMatch: options.etag } });
      const layout = await readParquetLayout(
        blobRangeReader(blob, properties.contentLength ?? 0, options.etag),
      );
      return layout.columns.filter((column) => column.numeric).map((column) => column.name);
    },
    async parse(blob, _layout, partition, schema, options) {
      const properties = await blob.getProperties({ conditions: { ifMatch: options.etag } });
      const reader = blobRangeReader(blob, properties.contentLength ?? 0, options.etag);
      if (!workers) return parseParquetPartition(reader, partition, schema);
      const file = await readParquetSlices(reader, partition);
      const bytes = file.slices.reduce((sum, slice) => sum + slice.bytes.length, 0);
      const transfer = file.slices.map((slice) => slice.bytes.buffer as ArrayBuffer);
      return parseInPool(workers, { kind: 'parquet', file, partition, schema }, bytes, transfer);
    },
  };
}

/**
 * The readers and writers of every format jobs support. With `workers`, partitions are parsed in the
 * worker pool under a time limit; without, on the calling thread (tools and tests).
 */
export function createFormatRegistry(options: { workers?: WorkerPool } = {}): FormatRegistry {
  const { workers } = options;
  return {
    csv: {
      reader: textReader(
        'csv',
        (chunks, bytes, options, target) =>
          planCsvPartitions(chunks, bytes, { delimiter: options.delimiter }, target),
        (bytes, partition, header, schema, options) =>
          parseCsvPartition(bytes, partition, header, schema, { delimiter: options.delimiter }),
        (sample, options) => takeWholeCsvRecords(sample, { delimiter: options.delimiter }),
        workers,
      ),
      writer: {
        extension: 'csv',
        concatenates: true,
        write: (batch, predictions, options) => Promise.resolve(formatCsvOutput(batch, predictions, options)),
      },
    },
    jsonl: {
      reader: textReader(
        'jsonl',
        (chunks, bytes, _options, target) => planJsonlPartitions(chunks, bytes, target),
        (bytes, partition, _header, schema) => parseJsonlPartition(bytes, partition, schema),
        (sample) => takeWholeJsonlRecords(sample),
        workers,
      ),
      writer: {
        extension: 'jsonl',
        concatenates: true,
        write: (batch, predictions, options) =>
          Promise.resolve(formatJsonlOutput(batch, predictions, options)),
      },
    },
    parquet: {
      reader: parquetReader(workers),
      writer: {
        extension: 'parquet',
        concatenates: false,
        write: (batch, predictions, options) => formatParquetOutput(batch, predictions, options),
      },
    },
  };
}

/** The formats, parsed on the calling thread. */
export const formatRegistry: FormatRegistry = createFormatRegistry();
