import type { InferencePool } from './InferencePool';
import { mapFeatures, type FeatureMapping } from './mapFeatures';
import { predictBatch } from './predictBatch';
import type { ModelSignature } from './readModelSignature';
import type { ImageClassification, ImageClassificationJob } from './classifyImages';
import type { TextPartitionJob } from './textPartition';
import type { PredictionColumn, ScoredPartition } from '../formats/ScoringBatch';
import type { LoadedModel } from '../models/LoadedModel';
import type { ModelRunner } from './ModelRunner';

/**
 * Runs models on the worker-thread pool; sessions are cached per model SHA-256 in each worker. Text
 * partitions are admitted one more than there are workers at a time (one read ahead per pool), which
 * bounds the partition bytes held in memory however many partitions the jobs run at once.
 */
export class PoolModelRunner implements ModelRunner {
  readonly #admitted: Admission;

  constructor(private readonly pool: InferencePool) {
    this.#admitted = new Admission(pool.size + 1);
  }

  async mapInputs(
    model: LoadedModel,
    columns: readonly string[],
    numericColumns: readonly string[],
  ): Promise<FeatureMapping> {
    return mapFeatures(await this.signatureOf(model), model.card, columns, numericColumns);
  }

  /**
   * The model's inputs and outputs: from its card when the registry wrote them there for these very
   * bytes (no load at all: keyed jobs map thousands of models), else read by loading the model in a
   * worker, whose session then serves the model's first runs.
   */
  async signatureOf(model: LoadedModel): Promise<ModelSignature> {
    const card = model.card;
    if (card?.signature && card.sha256 === model.sha256)
      return { model: model.name, inputs: card.signature.inputs, outputs: card.signature.outputs };
    return this.pool.inspect({ key: model.sha256, name: model.name, onnx: model.onnx });
  }

  scoreBatch(
    model: LoadedModel,
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

  scoreTextPartition(model: LoadedModel, load: () => Promise<TextPartitionJob>): Promise<ScoredPartition> {
    return this.#admitted.run(async () =>
      this.pool.scoreText({ key: model.sha256, name: model.name, onnx: model.onnx }, await load()),
    );
  }

  classifyImages(
    model: LoadedModel,
    load: () => Promise<ImageClassificationJob>,
  ): Promise<readonly ImageClassification[]> {
    return this.#admitted.run(async () =>
      this.pool.classifyImages({ key: model.sha256, name: model.name, onnx: model.onnx }, await load()),
    );
  }
}

/** At most `limit` tasks at once; the others wait in arrival order. */
class Admission {
  #running = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#running >= this.limit) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    else this.#running++;
    try {
      return await task();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#running--;
    }
  }
}
