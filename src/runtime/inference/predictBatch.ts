import type { PredictionColumn } from '../formats/ScoringBatch';
import {
  checkRows,
  chunkInputs,
  joinColumn,
  planChunks,
  type Chunk,
  type PredictOptions,
} from './batchChunks';
import type { InferencePool, ModelHandle } from './InferencePool';
import type { FeatureMapping } from './mapFeatures';

export type { PredictOptions } from './batchChunks';

/**
 * Scores `rowCount` rows of features (row-major, in `mapping.featureColumns` order) through the pool and
 * returns one column per mapped output, in row order. Large batches are split into chunks run in
 * parallel on the pool's workers; a fixed batch size in the model is handled by the workers.
 */
export async function predictBatch(
  pool: InferencePool,
  model: ModelHandle,
  mapping: FeatureMapping,
  features: Float32Array,
  rowCount: number,
  options: PredictOptions = {},
): Promise<PredictionColumn[]> {
  const outputNames = mapping.outputs.map((o) => o.name);
  const chunks = planChunks(rowCount, pool.size, options);
  const results = await Promise.all(
    chunks.map(([start, end]) =>
      pool.run(model, chunkInputs(mapping, features, start, end), outputNames, { transferInputs: true }),
    ),
  );
  return mapping.outputs.map(({ name, elementType }) => {
    const parts = results.map((result, i) => checkRows(model.name, name, result[name], chunks[i] as Chunk));
    return joinColumn(name, elementType, parts, rowCount);
  });
}
