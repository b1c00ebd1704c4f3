import { createHash } from 'node:crypto';
import { ValidationError } from '../errors';
import { parseModelCard, type ModelCard } from '../models/ModelCard';
import { fitRidge, predictLinear, r2Score, type DesignMatrix, type LinearModel } from './fitRidge';
import { linearModelToOnnx } from './linearModelToOnnx';
import type { NumericTable } from './readNumericTable';

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
  const column = (name: string): Float64Array => {
    const index = table.columns.indexOf(name);
    if (index < 0) {
      throw new ValidationError(
        `Training data has no column "${name}" (columns: ${table.columns.join(', ')})`,
        {
          field: name,
        },
      );
    }
    return table.values[index] as Float64Array;
  };
  const featureValues = spec.features.map(column);
  const y = column(spec.target);
  const x: DesignMatrix = {
    rows: table.rows,
    columns: spec.features.length,
    values: new Float64Array(table.rows * spec.features.length),
  };
  featureValues.forEach((values, j) => values.forEach((v, r) => (x.values[r * x.columns + j] = v)));
  const model = fitRidge(x, y, spec.alpha);
  const predictions = predictLinear(model, x);
  const onnx = linearModelToOnnx(model, {
    docString: `${spec.name}@${spec.version}: ridge regression (alpha ${spec.alpha})`,
  });
  const rmse = Math.sqrt(predictions.reduce((sum, p, r) => sum + (p - (y[r] ?? 0)) ** 2, 0) / table.rows);
  const card = parseModelCard(
    {
      name: spec.name,
      version: spec.version,
      description: spec.description,
      features: spec.features,
      outputs: ['variable'],
      tags: { algorithm: 'ridge', ...spec.tags },
      metrics: { r2: r2Score(y, predictions), rmse },
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
