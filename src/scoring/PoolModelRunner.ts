import type { InferencePool } from './inference/InferencePool';
import { mapFeatures } from './inference/mapFeatures';
import { predictBatch } from './inference/predictBatch';
import { readModelSignature } from './inference/readModelSignature';
import type { TextPartitionJob } from './inference/textPartition';
import type { PredictionColumn, ScoredPartition } from './ScoringBatch';
import type { FeatureMapping, ModelRunner, ScoringModel } from './ScoringPorts';

/** Runs models on the worker-thread pool; sessions are cached per model SHA-256 in each worker. */
export class PoolModelRunner implements ModelRunner {
  constructor(private readonly pool: InferencePool) {}

  async map(
    model: ScoringModel,
    columns: readonly string[],
    numericColumns: readonly string[],
  ): Promise<FeatureMapping> {
    const signature = await readModelSignature(model.onnx, model.name);
    return mapFeatures(signature, model.card, columns, numericColumns);
  }

  score(
    model: ScoringModel,
    mapping: FeatureMapping,
    features: Float32Array,
    rows: number,
  ): Promise<PredictionColumn[]> {
    if (rows === 0)
      return Promise.resolve(
        mapping.outputs.map((output) => ({ name: output.name, width: 1, values: new Float32Array(0) })),
      );
    return predictBatch(
      this.pool,
      { key: model.sha256, name: model.name, onnx: model.onnx },
      mapping,
      features,
      rows,
    );
  }

  scoreText(model: ScoringModel, job: TextPartitionJob): Promise<ScoredPartition> {
    return this.pool.scoreText({ key: model.sha256, name: model.name, onnx: model.onnx }, job);
  }
}
