import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { formatModelCard } from '../models/formatModelCard';
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
 * written to models/diabetes/model.onnx and model.json. Returns what it trained and where.
 */
export async function trainDiabetes(
  options: TrainDiabetesOptions,
): Promise<TrainedRidgeModel & { modelDir: string }> {
  const dataReference = 'data/diabetes.csv';
  const dataFile = path.join(options.root, dataReference);
  const table = readNumericTable(await readFile(dataFile, 'utf8'), dataReference);
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
  const modelDir = path.join(options.root, 'models', 'diabetes');
  await mkdir(modelDir, { recursive: true });
  await writeFile(path.join(modelDir, 'model.onnx'), trained.onnx);
  await writeFile(path.join(modelDir, 'model.json'), formatModelCard(trained.card));
  return { ...trained, modelDir };
}
