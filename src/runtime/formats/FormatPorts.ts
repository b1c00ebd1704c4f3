import type { BlobClient } from '@azure/storage-blob';
import type { InputFormat } from './InputFormat';
import type { Partition, PredictionColumn, ScoringBatch, ScoringSchema } from './ScoringBatch';

export interface InputLayout {
  readonly header: string[];
  readonly partitions: Partition[];
  readonly totalRows: number;
}

export interface FormatOptions {
  readonly delimiter: string;
  /** Every read is conditional on this ETag, so a job never mixes two versions of its input. */
  readonly etag: string;
}

/** Reading one input format from a blob version. */
export interface InputFormatReader {
  layout(
    blob: BlobClient,
    bytes: number,
    options: FormatOptions,
    partitionBytes: number,
  ): Promise<InputLayout>;
  /** Text formats only: the partition's raw bytes, for `ModelRunner.scoreTextPartition`. */
  readonly readBytes?: (blob: BlobClient, partition: Partition, options: FormatOptions) => Promise<Buffer>;
  /** Columns whose values in the first rows are all numeric. */
  numericColumns(blob: BlobClient, layout: InputLayout, options: FormatOptions): Promise<string[]>;
  parse(
    blob: BlobClient,
    layout: Pick<InputLayout, 'header'>,
    partition: Partition,
    schema: ScoringSchema,
    options: FormatOptions,
  ): Promise<ScoringBatch>;
}

/** Writing the scored rows of one partition. */
export interface OutputFormatWriter {
  readonly extension: string;
  /** Whether partition outputs concatenate into one file (CSV, JSON Lines); Parquet writes one file per partition. */
  readonly concatenates: boolean;
  write(
    batch: ScoringBatch,
    predictions: readonly PredictionColumn[],
    options: { includeHeader: boolean; passThroughColumns: readonly string[] },
  ): Promise<Buffer>;
}

export type FormatRegistry = Readonly<
  Record<InputFormat, { reader: InputFormatReader; writer: OutputFormatWriter }>
>;
