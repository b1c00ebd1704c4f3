import { createHash } from 'node:crypto';
import { parseModelCard, type ModelCard } from '../runtime/models/ModelCard';
import { fitRidge, predictLinear, type DesignMatrix, type LinearModel } from './fitRidge';
import { linearModelToOnnx } from './linearModelToOnnx';
import { r2Score, rootMeanSquaredError } from './metrics';
import type { NumericTable } from './readNumericTable';
import { designMatrix, numericColumn } from './TrainingTable';

export interface RidgeTrainingSpec {
  readonly name: string;
  readonly version: number;
  readonly description?: string;
  readonly features: readonly string[];
  readonly target: string;
  readonly alpha: number;
  /** Where the training data lives, for the card (e.g. data/diabetes.csv). */
  readonly dataReference: string;
  readonly tags?: Readonly<Record<string, string>>;
  readonly stage?: string;
  readonly createdAt: Date;
}

/** A trained model: the ONNX bytes, its card, the fitted weights and the float64 training predictions. */
export interface TrainedRidgeModel {
  readonly onnx: Uint8Array;
  readonly card: ModelCard;
  readonly model: LinearModel;
  readonly x: DesignMatrix;
  readonly predictions: Float64Array;
}

/** Fits ridge regression on the table's feature columns and exports it as ONNX with its model card. */
export function trainRidgeModel(table: NumericTable, spec: RidgeTrainingSpec): TrainedRidgeModel {
  const x = designMatrix(table, spec.features);
  const y = numericColumn(table, spec.target);
  const model = fitRidge(x, y, spec.alpha);
  const predictions = predictLinear(model, x);
  const onnx = linearModelToOnnx(model, {
    docString: `${spec.name}@${spec.version}: ridge regression (alpha ${spec.alpha})`,
  });
  const card = parseModelCard(
    {
      name: spec.name,
      version: spec.version,
      description: spec.description,
      features: spec.features,
      outputs: ['variable'],
      tags: { algorithm: 'ridge', ...spec.tags },
      metrics: { r2: r2Score(y, predictions), rmse: rootMeanSquaredError(y, predictions) },
      training: {
        data: spec.dataReference,
        rows: table.rows,
        target: spec.target,
        alpha: spec.alpha,
        metricsOn: 'training data',
      },
      task: 'regression',
      stage: spec.stage,
      sha256: createHash('sha256').update(onnx).digest('hex'),
      createdAt: spec.createdAt.toISOString(),
    },
    `${spec.name}/model.json`,
  );
  return { onnx, card, model, x, predictions };
}
