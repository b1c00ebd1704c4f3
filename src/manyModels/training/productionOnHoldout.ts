import { createHash } from 'node:crypto';
import type { ModelRegistry } from '../../models';
import type { LoadedModel } from '../../runtime/models/LoadedModel';
import type { ModelRunner } from '../../runtime/inference/ModelRunner';
import type { ModelLoader } from '../../runtime/models/ModelLoader';
import { holdoutMetrics, type TrainedSeries } from './trainSeries';

/** A key's production version judged on the new version's holdout, or why it could not be. */
export interface ProductionOnHoldout {
  readonly version: number;
  readonly metrics?: Readonly<Record<string, number>>;
  /** The new version's metrics on the same rows through the same runner (what production's are compared with). */
  readonly candidateMetrics?: Readonly<Record<string, number>>;
  readonly error?: string;
}

/** What judging a production version needs: the registry, and the kernel's loader and runner. */
export interface HoldoutEvaluation {
  readonly registry: ModelRegistry;
  readonly models: ModelLoader;
  readonly runner: ModelRunner;
}

/**
 * The key's production version and the new one, both run through onnxruntime (the kernel's runner, as
 * scoring runs them) on the holdout rows the new version was measured on, and their metrics there: the
 * gate then compares the two models on the same rows with the same runtime. Undefined when the key has
 * no production version, or one whose features or forecasting spec are not the new version's (its
 * inputs cannot be built from these rows; the gate compares recorded metrics then). A model that fails
 * to load or run gives `error`.
 */
export async function productionOnHoldout(
  evaluation: HoldoutEvaluation,
  model: string,
  key: Readonly<Record<string, string>>,
  trained: TrainedSeries,
): Promise<ProductionOnHoldout | undefined> {
  // A model's first run: not registered yet, so no production version.
  if (!(await evaluation.registry.exists(model))) return undefined;
  const [production] = await evaluation.registry.versionsTagged(model, key, 'Production');
  if (production === undefined) return undefined;
  const { version } = production;
  try {
    const loaded = await evaluation.models.load({
      name: model,
      version,
      sha256: production.sha256,
      files: production.files,
    });
    const card = loaded.card as
      { features?: readonly string[]; forecasting?: { spec?: unknown } } | undefined;
    if (
      JSON.stringify(card?.features) !== JSON.stringify(trained.features) ||
      JSON.stringify(card?.forecasting?.spec) !== JSON.stringify(trained.spec)
    )
      return undefined;
    const candidate: LoadedModel = {
      name: model,
      version: 0,
      sha256: createHash('sha256').update(trained.onnx).digest('hex'),
      onnx: Buffer.from(trained.onnx),
    };
    const metrics = await holdoutMetricsOf(evaluation.runner, loaded, trained);
    const candidateMetrics = await holdoutMetricsOf(evaluation.runner, candidate, trained);
    if (metrics === undefined || candidateMetrics === undefined)
      return { version, error: 'it has no output with one value per row' };
    return { version, metrics, candidateMetrics };
  } catch (error) {
    return { version, error: error instanceof Error ? error.message.split('\n')[0]! : String(error) };
  }
}

/** The model's holdout metrics, fed the trained series' holdout features by name; undefined without a one-value output. */
async function holdoutMetricsOf(
  runner: ModelRunner,
  model: LoadedModel,
  trained: TrainedSeries,
): Promise<Record<string, number> | undefined> {
  const { x, y } = trained.holdout;
  const mapping = await runner.mapInputs(model, trained.features, trained.features);
  const order = mapping.featureColumns.map((name) => trained.features.indexOf(name));
  const features = new Float32Array(x.rows * order.length);
  for (let r = 0; r < x.rows; r++)
    order.forEach((column, j) => (features[r * order.length + j] = x.values[r * x.columns + column]!));
  const output = (await runner.scoreBatch(model, mapping, features, x.rows)).find(
    (column) => column.width === 1,
  );
  return output && holdoutMetrics(y, Float64Array.from(output.values as ArrayLike<number>, Number));
}
