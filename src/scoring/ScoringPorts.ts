import type { BlobClient } from '@azure/storage-blob';
import type { InputFormat } from '../jobs/JobSpec';
import type { ModelCard } from '../models/ModelCard';
import type { ModelVersionInfo, VersionToLoad } from '../models/registry/registryRows';
import type { ModelQuery } from '../models/registry/resolveVersion';
import type { FeatureMapping } from './inference/mapFeatures';
import type { TextPartitionJob } from './inference/textPartition';
import type {
  Partition,
  PredictionColumn,
  ScoredPartition,
  ScoringBatch,
  ScoringSchema,
} from './ScoringBatch';

/** A model ready to run: its bytes, identity and what it needs as input. */
export interface ScoringModel {
  readonly name: string;
  readonly version: string;
  readonly sha256: string;
  readonly onnx: Buffer;
  /** The model card, when it has one: feature names, outputs, task. */
  readonly card?: ModelCard;
}

export type { FeatureMapping } from './inference/mapFeatures';

/**
 * Finds models by reference: `name` (latest), `name@7`, `name@production` / `name@staging`, or a query
 * naming tags that must all match (`{ name, tags: { store: '2' } }`: the latest such version).
 */
export interface ModelSource {
  resolve(ref: string | ModelQuery): Promise<ScoringModel>;
  /** Whether a model of this name exists (for picking a model from a blob's folder). */
  has(name: string): Promise<boolean>;
  /**
   * One version's files when its number and SHA-256 are already known (pinned by an earlier lookup):
   * no lookup by name or tag is made, and files whose SHA-256 differs are refused. `files` (where the
   * listing said they are) saves a read.
   */
  load(pinned: VersionToLoad): Promise<ScoringModel>;
  /** Every version of a registered model with its tags and stage (keyed scoring picks one per key). */
  catalog(name: string): Promise<{ latestVersion: number; versions: readonly ModelVersionInfo[] }>;
}

/** Runs models (in worker threads) and tells how data columns map to them. */
export interface ModelRunner {
  /** Loads the model (a load failure is a ValidationError with the runtime's reason) and maps columns to it. */
  map(
    model: ScoringModel,
    columns: readonly string[],
    numericColumns: readonly string[],
  ): Promise<FeatureMapping>;
  /** Scores `rows` rows of `features` (row-major) and returns one column per output. */
  score(
    model: ScoringModel,
    mapping: FeatureMapping,
    features: Float32Array,
    rows: number,
  ): Promise<PredictionColumn[]>;
  /**
   * Parses, scores and formats one CSV or JSON Lines partition off the event loop (in a worker thread),
   * with the same parse and format functions as the readers and writers. `load` (which reads the
   * partition's bytes) is called only once the partition can be worked on, so concurrent partitions
   * waiting for a worker do not all hold their bytes in memory. `job.bytes` is handed over.
   */
  scoreText(model: ScoringModel, load: () => Promise<TextPartitionJob>): Promise<ScoredPartition>;
}

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
  /** Text formats only: the partition's raw bytes, for `ModelRunner.scoreText`. */
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
