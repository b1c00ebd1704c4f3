import { NotFoundError, ValidationError } from '../../errors';
import type { FeatureMapping } from '../../runtime/inference/mapFeatures';
import type { LoadedModel } from '../../runtime/models/LoadedModel';
import { formatModelRef } from '../../runtime/models/ModelRef';
import type { RuntimeServices } from '../../runtime/RuntimeServices';
import type { KeyedModelSpec, ModelPlanRequest } from '../../scoring';
import { keyedModelInputs } from './keyedModelInputs';
import {
  pickKeyedVersions,
  scoredByColumn,
  type KeyedFallback,
  type KeyedModelsFile,
  type KeyedScoringPlan,
} from './keyedModels';

/**
 * Plans a keyed job: pins each key's version (the latest tagged with the key at this moment, in the
 * stage asked for) and writes the list to `<prefix>/_models.json`, checks the input has the key
 * columns and the columns the newest key model reads, and maps the fallback model. Problems a person
 * must fix are ValidationErrors / NotFoundErrors.
 */
export async function planKeyedScoring(
  request: ModelPlanRequest,
  runtime: Pick<RuntimeServices, 'models' | 'store' | 'runner' | 'storage'>,
): Promise<KeyedScoringPlan> {
  const { spec, header } = request;
  const model = spec.model;
  if (model.kind !== 'keyed') throw new Error(`planKeyedScoring got a ${model.kind} model`);
  const passThrough = spec.output.passThrough;
  const missingKeys = model.partitionBy.filter((column) => !header.includes(column));
  if (missingKeys.length > 0)
    throw new ValidationError(
      `model.partitionBy names column(s) the input does not have: ${missingKeys.join(', ')} (the input has ${header.length} column${header.length === 1 ? '' : 's'}).`,
      { field: 'model.partitionBy' },
    );
  if (passThrough.includes(scoredByColumn))
    throw new ValidationError(
      `output.passThrough: "${scoredByColumn}" is the column a keyed job adds (the version that scored each row); rename the input column.`,
      { field: 'output.passThrough' },
    );
  const catalog = await runtime.store.listVersions(model.name);
  const versions = pickKeyedVersions(catalog.versions, model.partitionBy, model.stage);
  if (versions.length === 0)
    throw new NotFoundError(
      `Model "${model.name}" has no version${model.stage ? ` in stage ${model.stage}` : ''} tagged with ${model.partitionBy.join(' and ')} (of its ${catalog.versions.length} version(s)); train it with trainMany or tag its versions with the key columns.`,
    );
  const newest = versions.reduce((a, b) => (b.version > a.version ? b : a));
  const newestModel = await runtime.models.load({
    name: model.name,
    version: newest.version,
    sha256: newest.sha256,
    files: newest.files,
  });
  const inputs = await keyedModelInputs(newestModel, header, request.numericColumns, runtime.runner);
  const fallback = await planFallback(model, request, inputs.mapping, runtime);
  const fallbackColumns = fallback.kind === 'model' ? fallback.mapping.featureColumns : [];
  const textColumns = unique([...model.partitionBy, ...inputs.textColumns, ...passThrough]);
  const modelsFile: KeyedModelsFile = {
    model: model.name,
    partitionBy: model.partitionBy,
    stage: model.stage ?? null,
    upToVersion: catalog.latestVersion,
    keys: versions,
  };
  const modelsBlob = `${spec.output.prefix.replace(/\/+$/, '')}/_models.json`;
  const container = await runtime.storage.ensureContainer(spec.output.container);
  await container.getBlockBlobClient(modelsBlob).uploadData(Buffer.from(JSON.stringify(modelsFile)), {
    blobHTTPHeaders: { blobContentType: 'application/json' },
  });
  return {
    kind: 'keyed',
    name: model.name,
    partitionBy: model.partitionBy,
    ...(model.stage ? { stage: model.stage } : {}),
    upToVersion: catalog.latestVersion,
    keys: versions.length,
    modelsBlob,
    textColumns,
    passThrough,
    fallback,
    schema: {
      featureColumns: unique([...fallbackColumns, ...inputs.featureColumns]),
      passThroughColumns: textColumns,
    },
    outputColumns: [...passThrough, scoredByColumn],
    outputs: inputs.mapping.outputs,
    label: { name: model.name },
    notes: [...inputs.mapping.notes, ...(fallback.kind === 'model' ? fallback.mapping.notes : [])],
  };
}

async function planFallback(
  spec: KeyedModelSpec,
  request: ModelPlanRequest,
  keyedMapping: FeatureMapping,
  runtime: Pick<RuntimeServices, 'models' | 'runner'>,
): Promise<KeyedFallback> {
  if (spec.fallback === 'error') return { kind: 'error' };
  const ref = formatModelRef(spec.fallback.model);
  let model: LoadedModel;
  try {
    model = await runtime.models.resolve(spec.fallback.model);
  } catch (error) {
    if (error instanceof NotFoundError)
      throw new ValidationError(`model.fallback.model: ${error.message}`, { field: 'model.fallback.model' });
    throw error;
  }
  const mapping = await runtime.runner.mapInputs(model, request.header, request.numericColumns);
  const wanted = keyedMapping.outputs.map((output) => output.name).join(', ');
  const got = mapping.outputs.map((output) => output.name).join(', ');
  if (wanted !== got)
    throw new ValidationError(
      `model.fallback.model: "${ref}" outputs ${got}, but "${spec.name}"'s key models output ${wanted}; a fallback must give the same columns.`,
      { field: 'model.fallback.model' },
    );
  return {
    kind: 'model',
    model: { name: model.name, version: model.version, sha256: model.sha256, files: model.files },
    mapping,
  };
}

function unique(columns: readonly string[]): string[] {
  return [...new Set(columns)];
}
