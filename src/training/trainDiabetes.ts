import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { formatModelCard } from '../runtime/models/formatModelCard';
import { parseModelCard } from '../runtime/models/ModelCard';
import { readNumericTable } from './readNumericTable';
import { trainRidgeModel, type TrainedRidgeModel } from './trainRidgeModel';

/** The ten raw features of scikit-learn's diabetes data set, in the file's order. */
export const diabetesFeatures = ['age', 'sex', 'bmi', 'bp', 's1', 's2', 's3', 's4', 's5', 's6'] as const;

export interface TrainDiabetesOptions {
  /** The project root: data/diabetes.csv is read and models/diabetes/ written under it. */
  readonly root: string;
  readonly createdAt?: Date;
}

/**
 * Trains the bundled demo model: ridge regression (alpha 1, standardised features) on data/diabetes.csv,
 * written to models/diabetes/model.onnx and model.json (with the data's SHA-256 and the retraining
 * declaration). Returns what it trained and where.
 */
export async function trainDiabetes(
  options: TrainDiabetesOptions,
): Promise<TrainedRidgeModel & { modelDir: string }> {
  const dataReference = 'data/diabetes.csv';
  const dataFile = path.join(options.root, dataReference);
  const bytes = await readFile(dataFile);
  const table = readNumericTable(bytes.toString('utf8'), dataReference);
  const trained = trainRidgeModel(table, {
    name: 'diabetes',
    version: 1,
    description:
      'Diabetes disease progression one year after baseline, from age, sex, BMI, blood pressure and six blood serum measurements (raw units).',
    features: diabetesFeatures,
    target: 'target',
    alpha: 1,
    dataReference,
    tags: { dataset: 'sklearn-diabetes' },
    stage: 'production',
    createdAt: options.createdAt ?? new Date(),
  });
  // The data's hash, and where nightly retraining reads new data (see docs/retraining.md). No baseline:
  // formatModelCard's layout of long number arrays is not Prettier's, and the committed card must pass it.
  const card = parseModelCard(
    {
      ...trained.card,
      training: {
        ...trained.card.training,
        sha256: createHash('sha256').update(bytes).digest('hex'),
      },
      retraining: {
        source: { file: dataReference },
        holdout: { fraction: 0.2, seed: 0 },
        policy: { metric: 'r2', minImprovement: 0.005, floor: 0.3 },
      },
    },
    'diabetes/model.json',
  );
  const modelDir = path.join(options.root, 'models', 'diabetes');
  await mkdir(modelDir, { recursive: true });
  await writeFile(path.join(modelDir, 'model.onnx'), trained.onnx);
  await writeFile(path.join(modelDir, 'model.json'), formatModelCard(card));
  return { ...trained, card, modelDir };
}
