import type { InferenceSession } from 'onnxruntime-node';
import { formatCsvOutput } from '../formats/formatCsvOutput';
import { formatJsonlOutput } from '../formats/formatJsonlOutput';
import { parseCsvPartition } from '../formats/parseCsvPartition';
import { parseJsonlPartition } from '../formats/parseJsonlPartition';
import type {
  Partition,
  PredictionColumn,
  RowError,
  ScoringBatch,
  ScoringSchema,
} from '../formats/ScoringBatch';
import { countFeatureBins, type FeatureBins } from '../drift/binCounts';
import { countPredictionBins, type PredictionBins } from '../drift/predictionBins';
import type { FeatureMapping } from './mapFeatures';
import { checkRows, chunkInputs, joinColumn, planChunks, type Chunk } from './batchChunks';
import { runSession } from './runSession';
import type { OutputTensor } from './tensors';

/** One CSV or JSON Lines partition to parse, score and format in an inference worker. */
export interface TextPartitionJob {
  readonly input: { readonly format: 'csv' | 'jsonl'; readonly delimiter: string };
  readonly header: readonly string[];
  /** The partition's byte range (transferred to the worker). */
  readonly bytes: Uint8Array;
  readonly partition: Partition;
  readonly schema: ScoringSchema;
  readonly mapping: FeatureMapping;
  /** Features whose values are counted in their baseline's bins (input drift), if any. */
  readonly drift?: readonly FeatureBins[];
  /** Outputs whose predictions are counted in their prediction baseline's bins, if any. */
  readonly predictionDrift?: readonly PredictionBins[];
  /** Output format, or `none` to count and validate only (summary-only jobs). */
  readonly output: {
    readonly format: 'csv' | 'jsonl' | 'none';
    readonly includeHeader: boolean;
    readonly passThroughColumns: readonly string[];
  };
}

/** What a worker sends back for a partition: its output bytes and its accounting. */
export interface TextPartitionResult {
  readonly output: Uint8Array;
  readonly totalRows: number;
  readonly rowCount: number;
  readonly errors: readonly RowError[];
  readonly binCounts?: number[][];
  readonly predictionBinCounts?: number[][];
}

// Rows per onnxruntime run inside the worker: bounds the tensors a heavy model allocates at once.
const maxRunRows = 65_536;

/**
 * Parses, scores and formats one text partition on the calling thread, with the same functions the
 * main-thread path uses; run inside an inference worker so that none of it blocks the event loop.
 */
export async function scoreTextPartition(
  session: InferenceSession,
  modelName: string,
  job: TextPartitionJob,
): Promise<TextPartitionResult> {
  const bytes = Buffer.from(job.bytes.buffer, job.bytes.byteOffset, job.bytes.byteLength);
  const batch =
    job.input.format === 'csv'
      ? parseCsvPartition(bytes, job.partition, job.header, job.schema, { delimiter: job.input.delimiter })
      : parseJsonlPartition(bytes, job.partition, job.schema);
  const predictions = await predict(session, modelName, job.mapping, batch);
  const options = {
    includeHeader: job.output.includeHeader,
    passThroughColumns: job.output.passThroughColumns,
  };
  const output =
    job.output.format === 'csv'
      ? formatCsvOutput(batch, predictions, options)
      : job.output.format === 'jsonl'
        ? formatJsonlOutput(batch, predictions, options)
        : Buffer.alloc(0);
  const width = job.schema.featureColumns.length;
  const binCounts = job.drift && countFeatureBins(batch.features, batch.rowCount, width, job.drift);
  const predictionBinCounts =
    job.predictionDrift && countPredictionBins(predictions, batch.rowCount, job.predictionDrift);
  const { totalRows, rowCount, errors } = batch;
  return { output, totalRows, rowCount, errors, binCounts, predictionBinCounts };
}

async function predict(
  session: InferenceSession,
  modelName: string,
  mapping: FeatureMapping,
  batch: ScoringBatch,
): Promise<PredictionColumn[]> {
  const rows = batch.rowCount;
  const chunks: Chunk[] = rows === 0 ? [] : planChunks(rows, 1, { maxChunkRows: maxRunRows });
  const names = mapping.outputs.map((output) => output.name);
  const results: Record<string, OutputTensor>[] = [];
  for (const chunk of chunks) {
    const outputs = await runSession(
      session,
      chunkInputs(mapping, batch.features, chunk[0], chunk[1]),
      names,
    );
    results.push(outputs);
  }
  return mapping.outputs.map(({ name, elementType }) => {
    const parts = results.map((outputs, i) => checkRows(modelName, name, outputs[name], chunks[i] as Chunk));
    return joinColumn(name, elementType, parts, rows);
  });
}
