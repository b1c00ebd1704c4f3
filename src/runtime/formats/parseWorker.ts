/**
 * The parse task of the worker pool: one partition's bytes to a ScoringBatch, off the event loop and
 * under a time limit (see createFormatRegistry). A decoder error on Parquet data is reported as a
 * corrupt file, not as a fault worth retrying.
 */
import { ConflictError, ValidationError } from '../../errors';
import { workerTask, type TaskResult } from '../workers/workerTask';
import { sliceReader, type ParquetSlices } from './ParquetSlices';
import { parseCsvPartition } from './parseCsvPartition';
import { parseJsonlPartition } from './parseJsonlPartition';
import { parseParquetPartition } from './parseParquetPartition';
import type { Partition, ScoringBatch, ScoringSchema } from './ScoringBatch';

export type ParseRequest =
  | {
      readonly kind: 'text';
      readonly format: 'csv' | 'jsonl';
      readonly bytes: Uint8Array;
      readonly header: readonly string[];
      readonly delimiter: string;
      readonly partition: Partition;
      readonly schema: ScoringSchema;
    }
  | {
      readonly kind: 'parquet';
      readonly file: ParquetSlices;
      readonly partition: Partition;
      readonly schema: ScoringSchema;
    };

async function parse(request: ParseRequest): Promise<TaskResult<ScoringBatch>> {
  const batch = request.kind === 'parquet' ? await parseParquet(request) : parseText(request);
  return { result: batch, transfer: wholeBuffers(batch) };
}

function parseText(request: Extract<ParseRequest, { kind: 'text' }>): ScoringBatch {
  const bytes = Buffer.from(request.bytes.buffer, request.bytes.byteOffset, request.bytes.byteLength);
  return request.format === 'csv'
    ? parseCsvPartition(bytes, request.partition, request.header, request.schema, {
        delimiter: request.delimiter,
      })
    : parseJsonlPartition(bytes, request.partition, request.schema);
}

async function parseParquet(request: Extract<ParseRequest, { kind: 'parquet' }>): Promise<ScoringBatch> {
  try {
    // The slices hold the footer from its metadata on: read the 8-byte tail first, then the metadata.
    return await parseParquetPartition(sliceReader(request.file), request.partition, request.schema, {
      initialFetchSize: 8,
    });
  } catch (error) {
    if (error instanceof ValidationError || error instanceof ConflictError) throw error;
    throw new ValidationError(
      `the Parquet file is corrupt: row group ${request.partition.rowGroup ?? request.partition.index} cannot be decoded (${(error as Error).message})`,
    );
  }
}

/** The batch's typed arrays go back by transfer when they own their buffers. */
function wholeBuffers(batch: ScoringBatch): ArrayBuffer[] {
  return [batch.features, batch.rowNumbers]
    .filter((array) => array.byteOffset === 0 && array.byteLength === array.buffer.byteLength)
    .map((array) => array.buffer as ArrayBuffer);
}

export default workerTask(parse, { transfersResults: true });
