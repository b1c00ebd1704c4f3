import { NotFoundError, ValidationError } from '../../../errors';
import { countFeatureBins } from '../../../runtime/drift/binCounts';
import { planDrift } from '../../../runtime/drift/planDrift';
import { countPredictionBins } from '../../../runtime/drift/predictionBins';
import { labelOf } from '../../../runtime/models/LoadedModel';
import { stageBlockChecked } from '../../../storage/stageBlock';
import { alertRows } from '../../alertRows';
import { formatStreamRows } from '../../formatStreamRows';
import { predictionValueAt } from '../../predictionValueAt';
import { streamContainer } from '../../streamContainer';
import type { StreamingServices } from '../../StreamingServices';
import type { StreamModel } from '../../StreamModels';
import type { FeatureRow } from '../LandedEvent';
import { streamOf } from '../streamOf';
import { readJson } from '../windowBlobs';
import type { ScoreShardInput, ShardResult } from '../windowContracts';
import { windowBlobNames } from '../windowNames';

/** Block ids of a window's output and alerts blobs: one per shard, all of one length. */
export const windowBlockId = (shard: number) =>
  Buffer.from(`shard-${String(shard).padStart(6, '0')}`).toString('base64');

/**
 * Scores one shard of a window's feature rows with the version the close pinned, in the worker pool,
 * and stages the rows as the shard's block of the window's output blob (and its alerts as a block of
 * the alerts blob): doing it again stages the same block. A model that cannot score the window is the
 * shard's error, not a retry. The feature rows fed to the model and its predictions are counted in the
 * version's baseline bins for the window's drift.
 */
export async function scoreStreamWindowShard(
  input: ScoreShardInput,
  services: StreamingServices,
): Promise<ShardResult> {
  const stream = streamOf(input.stream, services);
  let scorer: StreamModel;
  try {
    scorer = await services.models.forPinned(stream, input.model);
  } catch (error) {
    if (!(error instanceof ValidationError || error instanceof NotFoundError)) throw error;
    const reason = `model ${labelOf(input.model)} cannot score this window: ${error.message}`;
    return { shard: input.shard, rows: 0, alerts: 0, error: reason };
  }
  const container = await streamContainer(stream, services);
  const names = windowBlobNames(stream, input.windowStart, input.version);
  const features = (await readJson<FeatureRow[]>(container, names.featureShard(input.shard))) ?? [];
  const { rows, binCounts, predictionBinCounts } = await scoreRows(input, features, scorer, services);
  let body = formatStreamRows(rows, stream.outputs.format);
  // CSV: the header once, in the first shard's block.
  if (stream.outputs.format === 'csv' && input.shard > 0) body = body.subarray(body.indexOf('\n') + 1);
  if (rows.length > 0)
    await stageBlockChecked(container.getBlockBlobClient(names.output), windowBlockId(input.shard), body);
  const alerts = alertRows(stream, rows, scorer.mapping.outputs[0]?.name);
  if (alerts.length > 0)
    await stageBlockChecked(
      container.getBlockBlobClient(names.alerts),
      windowBlockId(input.shard),
      formatStreamRows(alerts, 'jsonl'),
    );
  return {
    shard: input.shard,
    rows: rows.length,
    alerts: alerts.length,
    ...(binCounts ? { binCounts } : {}),
    ...(predictionBinCounts ? { predictionBinCounts } : {}),
  };
}

async function scoreRows(
  input: ScoreShardInput,
  features: readonly FeatureRow[],
  { model, mapping }: StreamModel,
  services: StreamingServices,
): Promise<{ rows: Record<string, unknown>[]; binCounts?: number[][]; predictionBinCounts?: number[][] }> {
  if (features.length === 0) return { rows: [] };
  const stream = streamOf(input.stream, services);
  const columns = mapping.featureColumns;
  const values = new Float32Array(features.length * columns.length);
  features.forEach((row, index) =>
    columns.forEach((column, at) => {
      values[index * columns.length + at] = row.features[column]!;
    }),
  );
  const predictions = await services.runner.scoreBatch(model, mapping, values, features.length);
  const windowStart = new Date(input.windowStart).toISOString();
  const windowEnd = new Date(input.windowEnd).toISOString();
  const outputs = mapping.outputs.map((output) => output.name);
  const drift = planDrift(model.card, columns, outputs);
  const counted =
    drift.kind === 'baseline'
      ? {
          binCounts: countFeatureBins(values, features.length, columns.length, drift.features),
          predictionBinCounts: countPredictionBins(predictions, features.length, drift.predictions ?? []),
        }
      : {};
  const rows = features.map((row, index) => ({
    [stream.key]: row.key,
    windowStart,
    windowEnd,
    ...row.features,
    ...Object.fromEntries(predictions.map((column) => [column.name, predictionValueAt(column, index)])),
    model: model.name,
    modelVersion: model.version,
    modelSha256: model.sha256,
  }));
  return { rows, ...counted };
}
