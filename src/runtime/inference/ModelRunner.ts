import type { LoadedModel } from '../models/LoadedModel';
import type { PredictionColumn, ScoredPartition } from '../formats/ScoringBatch';
import type { FeatureMapping } from './mapFeatures';
import type { ImageClassification, ImageClassificationJob } from './classifyImages';
import type { ModelSignature } from './readModelSignature';
import type { TextPartitionJob } from './textPartition';

/** Runs models (in worker threads) and tells how data columns map to them. */
export interface ModelRunner {
  /** Loads the model (a load failure is a ValidationError with the runtime's reason) and maps columns to its inputs. */
  mapInputs(
    model: LoadedModel,
    columns: readonly string[],
    numericColumns: readonly string[],
  ): Promise<FeatureMapping>;
  /** Scores `rows` rows of `features` (row-major) and returns one column per output. */
  scoreBatch(
    model: LoadedModel,
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
  scoreTextPartition(model: LoadedModel, load: () => Promise<TextPartitionJob>): Promise<ScoredPartition>;
  /**
   * Decodes and classifies a shard of images off the event loop (in a worker thread); `load` reads
   * the images once the shard can be worked on, as scoreTextPartition does, and they are handed over.
   */
  classifyImages(
    model: LoadedModel,
    load: () => Promise<ImageClassificationJob>,
  ): Promise<readonly ImageClassification[]>;
  /** The model's inputs and outputs (from its card when written for these bytes, else read in a worker). */
  signatureOf(model: LoadedModel): Promise<ModelSignature>;
}
