import { NotFoundError, ValidationError } from '../../errors';
import type { KeyedModelSpec } from '../../jobs/JobSpec';
import type { FeatureMapping } from '../../scoring/inference/mapFeatures';
import type { ScoringSchema } from '../../scoring/ScoringBatch';
import type { ScoringServices } from '../../scoring/ScoringServices';
import type { ScoringModel } from '../../scoring/ScoringPorts';
import {
  pickKeyedVersions,
  scoredByColumn,
  type KeyedFallback,
  type KeyedModelsFile,
  type KeyedScoringPlan,
} from './keyedModels';
import { keyedModelInputs } from './keyedModelInputs';

export interface KeyedPlanInput {
  readonly spec: KeyedModelSpec;
  readonly header: readonly string[];
  readonly numericColumns: readonly string[];
  /** Pass-through columns the job copies to its output. */
  readonly passThrough: readonly string[];
  readonly output: { readonly container: string; readonly prefix: string };
}

export interface KeyedPlanResult {
  readonly keyed: KeyedScoringPlan;
  readonly schema: ScoringSchema;
  readonly notes: readonly string[];
}

/**
 * Plans a keyed job: pins each key's version (the latest tagged with the key at this moment, in the
 * stage asked for) and writes the list to `<prefix>/_models.json`, checks the input has the key
 * columns and the columns the newest key model reads, and maps the fallback model. Problems a person
 * must fix are ValidationErrors / NotFoundErrors.
 */
export async function planKeyedScoring(
  input: KeyedPlanInput,
  services: Pick<ScoringServices, 'models' | 'runner' | 'storage'>,
): Promise<KeyedPlanResult> {
  const { spec, header } = input;
  const missingKeys = spec.partitionBy.filter((column) => !header.includes(column));
  if (missingKeys.length > 0)
    throw new ValidationError(
      `model.partitionBy names column(s) the input does not have: ${missingKeys.join(', ')} (columns: ${header.join(', ')}).`,
      { field: 'model.partitionBy' },
    );
  if (input.passThrough.includes(scoredByColumn))
    throw new ValidationError(
      `output.passThrough: "${scoredByColumn}" is the column a keyed job adds (the version that scored each row); rename the input column.`,
      { field: 'output.passThrough' },
    );
  const catalog = await services.models.catalog(spec.name);
  const versions = pickKeyedVersions(catalog.versions, spec.partitionBy, spec.stage);
  if (versions.length === 0)
    throw new NotFoundError(
      `Model "${spec.name}" has no version${spec.stage ? ` in stage ${spec.stage}` : ''} tagged with ${spec.partitionBy.join(' and ')} (of its ${catalog.versions.length} version(s)); train it with trainMany or tag its versions with the key columns.`,
    );
  const newest = versions.reduce((a, b) => (b.version > a.version ? b : a));
  const model = await services.models.resolve({ name: spec.name, version: newest.version });
  const inputs = await keyedModelInputs(model, header, input.numericColumns, services.runner);
  const fallback = await planFallback(spec, input, inputs.mapping, services);
  const fallbackColumns = fallback.kind === 'model' ? fallback.mapping.featureColumns : [];
  const textColumns = unique([...spec.partitionBy, ...inputs.textColumns, ...input.passThrough]);
  const modelsFile: KeyedModelsFile = {
    model: spec.name,
    partitionBy: spec.partitionBy,
    stage: spec.stage ?? null,
    upToVersion: catalog.latestVersion,
    keys: versions,
  };
  const modelsBlob = `${input.output.prefix.replace(/\/+$/, '')}/_models.json`;
  const container = await services.storage.ensureContainer(input.output.container);
  await container.getBlockBlobClient(modelsBlob).uploadData(Buffer.from(JSON.stringify(modelsFile)), {
    blobHTTPHeaders: { blobContentType: 'application/json' },
  });
  return {
    keyed: {
      name: spec.name,
      partitionBy: spec.partitionBy,
      ...(spec.stage ? { stage: spec.stage } : {}),
      upToVersion: catalog.latestVersion,
      keys: versions.length,
      modelsBlob,
      textColumns,
      passThrough: input.passThrough,
      outputs: inputs.mapping.outputs,
      fallback,
    },
    schema: {
      featureColumns: unique([...fallbackColumns, ...inputs.featureColumns]),
      passThroughColumns: textColumns,
    },
    notes: [...inputs.mapping.notes, ...(fallback.kind === 'model' ? fallback.mapping.notes : [])],
  };
}

async function planFallback(
  spec: KeyedModelSpec,
  input: KeyedPlanInput,
  keyedMapping: FeatureMapping,
  services: Pick<ScoringServices, 'models' | 'runner'>,
): Promise<KeyedFallback> {
  if (spec.fallback === 'error') return { kind: 'error' };
  let model: ScoringModel;
  try {
    model = await services.models.resolve(spec.fallback.model);
  } catch (error) {
    if (error instanceof NotFoundError)
      throw new ValidationError(`model.fallback.model: ${error.message}`, { field: 'model.fallback.model' });
    throw error;
  }
  const mapping = await services.runner.map(model, input.header, input.numericColumns);
  const wanted = keyedMapping.outputs.map((output) => output.name).join(', ');
  const got = mapping.outputs.map((output) => output.name).join(', ');
  if (wanted !== got)
    throw new ValidationError(
      `model.fallback.model: "${spec.fallback.model}" outputs ${got}, but "${spec.name}"'s key models output ${wanted}; a fallback must give the same columns.`,
      { field: 'model.fallback.model' },
    );
  return {
    kind: 'model',
    model: { name: model.name, version: model.version, sha256: model.sha256 },
    mapping,
  };
}

function unique(columns: readonly string[]): string[] {
  return [...new Set(columns)];
}
