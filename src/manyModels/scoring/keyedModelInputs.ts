import { z } from 'zod';
import { ValidationError } from '../../errors';
import type { FeatureMapping } from '../../runtime/inference/mapFeatures';
import type { ModelRunner } from '../../runtime/inference/ModelRunner';
import { labelOf, type LoadedModel } from '../../runtime/models/LoadedModel';
import { featureNames, knownTargets } from '../training/forecastFeatures';
import type { ForecastFeatureSpec } from '../training/ForecastFeatureSpec';
import type { KnownTargets } from '../training/KnownTargets';

/** `forecasting` as trainMany writes it into a card: the feature spec and the series' last known targets. */
const forecastingSchema = z.object({
  spec: z.object({
    time: z.string().min(1),
    target: z.string().min(1),
    price: z.string().min(1).optional(),
    promotion: z.string().min(1).optional(),
    frequency: z.enum(['daily', 'weekly']),
    lags: z.array(z.int().positive()),
  }),
  history: z.object({ periods: z.array(z.int()), values: z.array(z.number()) }),
});

/** How one key's model is fed. */
export type KeyedModelInputs =
  | {
      /** A forecaster: features are built from the row's date, price and promotion and the model's history. */
      readonly kind: 'forecast';
      readonly spec: ForecastFeatureSpec;
      readonly known: KnownTargets;
      readonly mapping: FeatureMapping;
      /** Input columns read as text: date, price, promotion. */
      readonly textColumns: readonly string[];
      readonly featureColumns: readonly [];
    }
  | {
      /** Any other model: numeric input columns by name, as a plain job maps them. */
      readonly kind: 'columns';
      readonly mapping: FeatureMapping;
      readonly textColumns: readonly [];
      /** Input columns parsed as numbers. */
      readonly featureColumns: readonly string[];
    };

/**
 * How a key's model reads a row. A card with `forecasting` (trainMany's) gets the forecasting features
 * in its card's feature order; any other model is mapped to the input's numeric columns as a plain job
 * would be. Either way the input must have the columns: a ValidationError names the version and column.
 */
export async function keyedModelInputs(
  model: LoadedModel,
  header: readonly string[],
  numericColumns: readonly string[],
  runner: Pick<ModelRunner, 'mapInputs'>,
): Promise<KeyedModelInputs> {
  const forecasting = (model.card as Record<string, unknown> | undefined)?.forecasting;
  if (forecasting === undefined) {
    const mapping = await runner.mapInputs(model, header, numericColumns);
    return { kind: 'columns', mapping, textColumns: [], featureColumns: mapping.featureColumns };
  }
  const ref = labelOf(model);
  const parsed = forecastingSchema.safeParse(forecasting);
  if (!parsed.success)
    throw new ValidationError(
      `Model ${ref}: its card's "forecasting" is not what trainMany writes (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}).`,
      { field: 'model' },
    );
  const spec = parsed.data.spec;
  const names = featureNames(spec);
  const cardFeatures = model.card?.features ?? names;
  if (cardFeatures.join(',') !== names.join(','))
    throw new ValidationError(
      `Model ${ref}: its card's features (${cardFeatures.join(', ')}) are not the forecasting features its spec gives (${names.join(', ')}).`,
      { field: 'model' },
    );
  const textColumns = [spec.time, spec.price, spec.promotion].filter((c): c is string => c !== undefined);
  const missing = textColumns.filter((column) => !header.includes(column));
  if (missing.length > 0)
    throw new ValidationError(
      `Model ${ref} forecasts from column(s) the input does not have: ${missing.join(', ')} (the input has ${header.length} column${header.length === 1 ? '' : 's'}).`,
      { field: missing[0] },
    );
  const mapping = await runner.mapInputs(model, names, names);
  return {
    kind: 'forecast',
    spec,
    known: knownTargets(parsed.data.history),
    mapping,
    textColumns,
    featureColumns: [],
  };
}
