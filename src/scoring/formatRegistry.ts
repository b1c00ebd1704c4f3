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
} from './formats';
import type { Partition, ScoringBatch, ScoringSchema } from './ScoringBatch';
import type { FormatOptions, FormatRegistry, InputFormatReader, InputLayout } from './ScoringPorts';

// Numeric columns are judged on the first rows: up to this many bytes of the first partition.
const sampleBytes = 64 * 1024;

type TextParser = (
  bytes: Buffer,
  partition: Partition,
  header: readonly string[],
  schema: ScoringSchema,
  options: FormatOptions,
) => ScoringBatch;

/** CSV and JSON Lines: one streaming planning pass, then byte-range reads per partition. */
function textReader(
  plan: (
    chunks: AsyncIterable<Buffer>,
    bytes: number,
    options: FormatOptions,
    target: number,
  ) => Promise<InputLayout>,
  parse: TextParser,
): InputFormatReader {
  return {
    layout: (blob, bytes, options, target) => plan(streamBlob(blob, options.etag), bytes, options, target),
    async numericColumns(blob, layout, options) {
      const first = layout.partitions[0];
      if (!first) return [];
      const bytes = await downloadRange(
        blob,
        first.start,
        Math.min(first.end, first.start + sampleBytes),
        options.etag,
      );
      // Keep whole records only (the sample may end inside one).
      const sample =
        bytes.length < first.end - first.start ? bytes.subarray(0, bytes.lastIndexOf(0x0a) + 1) : bytes;
      const partition: Partition = { index: 0, start: 0, end: sample.length, firstRow: 1, rows: first.rows };
      return layout.header.filter((column) => {
        const batch = parse(
          sample,
          partition,
          layout.header,
          { featureColumns: [column], passThroughColumns: [] },
          options,
        );
        return batch.rowCount > 0 && batch.errors.length === 0;
      });
    },
    async parse(blob, layout, partition, schema, options) {
      return parse(
        await downloadRange(blob, partition.start, partition.end, options.etag),
        partition,
        layout.header,
        schema,
        options,
      );
    },
  };
}

const parquetReader: InputFormatReader = {
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
    return parseParquetPartition(
      blobRangeReader(blob, properties.contentLength ?? 0, options.etag),
      partition,
      schema,
    );
  },
};

/** The readers and writers of every format the job supports. */
export const formatRegistry: FormatRegistry = {
  csv: {
    reader: textReader(
      (chunks, bytes, options, target) =>
        planCsvPartitions(chunks, bytes, { delimiter: options.delimiter }, target),
      (bytes, partition, header, schema, options) =>
        parseCsvPartition(bytes, partition, header, schema, { delimiter: options.delimiter }),
    ),
    writer: {
      extension: 'csv',
      concatenates: true,
      write: (batch, predictions, options) => Promise.resolve(formatCsvOutput(batch, predictions, options)),
    },
  },
  jsonl: {
    reader: textReader(
      (chunks, bytes, _options, target) => planJsonlPartitions(chunks, bytes, target),
      (bytes, partition, _header, schema) => parseJsonlPartition(bytes, partition, schema),
    ),
    writer: {
      extension: 'jsonl',
      concatenates: true,
      write: (batch, predictions, options) => Promise.resolve(formatJsonlOutput(batch, predictions, options)),
    },
  },
  parquet: {
    reader: parquetReader,
    writer: {
      extension: 'parquet',
      concatenates: false,
      write: (batch, predictions, options) => formatParquetOutput(batch, predictions, options),
    },
  },
};
