import { ValidationError } from '../../errors';
import { tableFormatOf } from '../../runtime/formats/InputFormat';
import type {
  Partition,
  PredictionColumn,
  RowError,
  ScoredPartition,
  ScoringBatch,
} from '../../runtime/formats/ScoringBatch';
import type { FeatureMapping } from '../../runtime/inference/mapFeatures';
import { labelOf, type LoadedModel } from '../../runtime/models/LoadedModel';
import type { RuntimeServices } from '../../runtime/RuntimeServices';
import type { JobPlan } from '../../scoring';
import { forecastRowFeatures } from '../training/forecastFeatures';
import { keyedModelInputs, type KeyedModelInputs } from './keyedModelInputs';
import {
  keyIdOf,
  scoredByColumn,
  type KeyedModelsFile,
  type KeyedScoringPlan,
  type KeyedVersion,
} from './keyedModels';
import { readBlob } from '../../storage/readBlob';
import type { KeyedVersionsCache } from './KeyedVersionsCache';

/** What keyed scoring uses: the kernel, and the parsed version lists of recent jobs. */
export type KeyedScoringRuntime = Pick<
  RuntimeServices,
  'storage' | 'formats' | 'models' | 'store' | 'runner'
> & {
  readonly versions: KeyedVersionsCache;
};

/** Keys whose models are loaded and run at once within a partition. */
const keysInFlight = 16;

/** One group of rows scored by one model: the rows (indexes into the batch's good rows) and the outputs. */
interface ScoredGroup {
  readonly rows: readonly number[];
  readonly label: string;
  readonly columns: readonly PredictionColumn[];
}

/**
 * Scores one partition of a keyed job: parses it, groups the good rows by key, runs each key's pinned
 * version on its rows (forecasting features built from the row and the model's history, or numeric
 * columns by name) and the fallback model on rows whose key has none, and writes the scored rows in
 * input order with the `scored_by` column. Rows that cannot be scored become error rows naming the
 * field: no model for the key (with the `error` fallback), a bad date or price, a date beyond the
 * model's horizon.
 */
export async function scoreKeyedPartition(
  plan: JobPlan,
  keyed: KeyedScoringPlan,
  partition: Partition,
  services: KeyedScoringRuntime,
): Promise<ScoredPartition> {
  const { reader } = services.formats[tableFormatOf(plan.input.format)];
  const blob = services.storage.container(plan.input.container).getBlobClient(plan.input.blob);
  const options = { delimiter: plan.input.delimiter, etag: plan.input.etag };
  const schema = keyed.schema;
  const [batch, versions] = await Promise.all([
    reader.parse(blob, { header: [...plan.header] }, partition, schema, options),
    versionsOf(plan, keyed, services),
  ]);
  const text = (column: string): string[] => batch.passThrough[schema.passThroughColumns.indexOf(column)]!;
  const keyColumns = keyed.partitionBy.map(text);
  const byKey = new Map<string, number[]>();
  for (let row = 0; row < batch.rowCount; row++) {
    const id = keyIdOf(keyColumns.map((values) => values[row]!));
    const rows = byKey.get(id);
    if (rows) rows.push(row);
    else byKey.set(id, [row]);
  }
  const errors: RowError[] = [...batch.errors];
  const fallbackRows: number[] = [];
  const groups: ScoredGroup[] = [];
  const work = [...byKey.entries()];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < work.length) {
      const [id, rows] = work[next++]!;
      const version = versions.get(id);
      if (version === undefined) {
        if (keyed.fallback.kind === 'model') fallbackRows.push(...rows);
        else errors.push(...rows.map((row) => noModelError(keyed, batch, row, keyColumns)));
        continue;
      }
      const group = await scoreKey(plan, keyed, batch, rows, version, services, text);
      errors.push(...group.errors);
      if (group.scored) groups.push(group.scored);
    }
  };
  await Promise.all(Array.from({ length: Math.min(keysInFlight, work.length) }, worker));
  if (fallbackRows.length > 0 && keyed.fallback.kind === 'model') {
    fallbackRows.sort((a, b) => a - b);
    groups.push(await scoreFallback(keyed.fallback, batch, fallbackRows, schema.featureColumns, services));
  }
  return writeScored(plan, keyed, batch, groups, errors, partition, services, text);
}

async function versionsOf(
  plan: JobPlan,
  keyed: KeyedScoringPlan,
  services: KeyedScoringRuntime,
): Promise<ReadonlyMap<string, KeyedVersion>> {
  const file = await services.versions.versions(
    `${plan.output.container}/${keyed.modelsBlob}@${plan.jobId}`,
    async () => {
      const { bytes } = await readBlob(
        services.storage.container(plan.output.container).getBlobClient(keyed.modelsBlob),
      );
      return JSON.parse(bytes.toString('utf8')) as KeyedModelsFile;
    },
  );
  return new Map(file.keys.map((entry) => [keyIdOf(keyed.partitionBy.map((c) => entry.key[c]!)), entry]));
}

function noModelError(
  keyed: KeyedScoringPlan,
  batch: ScoringBatch,
  row: number,
  keyColumns: readonly string[][],
): RowError {
  const key = keyed.partitionBy.map((column, i) => `${column}=${keyColumns[i]![row]}`).join(', ');
  return {
    row: batch.rowNumbers[row]!,
    field: keyed.partitionBy.join(','),
    reason: `no version of model "${keyed.name}"${keyed.stage ? ` in stage ${keyed.stage}` : ''} is tagged ${key} (versions up to ${keyed.upToVersion}); the job's fallback is "error"`,
  };
}

async function scoreKey(
  plan: JobPlan,
  keyed: KeyedScoringPlan,
  batch: ScoringBatch,
  rows: readonly number[],
  version: KeyedVersion,
  services: KeyedScoringRuntime,
  text: (column: string) => string[],
): Promise<{ scored?: ScoredGroup; errors: RowError[] }> {
  const model = await services.models.load({
    name: keyed.name,
    version: version.version,
    sha256: version.sha256,
    files: version.files,
  });
  const featureColumns = keyed.schema.featureColumns;
  const inputs = await keyedModelInputs(model, plan.header, featureColumns, services.runner);
  checkOutputs(keyed, model, inputs.mapping);
  const { features, kept, errors } = featuresOf(inputs, batch, rows, featureColumns, text);
  if (kept.length === 0) return { errors };
  const columns = await services.runner.scoreBatch(model, inputs.mapping, features, kept.length);
  return { scored: { rows: kept, label: labelOf(model), columns }, errors };
}

/** The key rows' model inputs (row-major, in `mapping.featureColumns` order); rows that cannot be fed become errors. */
function featuresOf(
  inputs: KeyedModelInputs,
  batch: ScoringBatch,
  rows: readonly number[],
  parsedColumns: readonly string[],
  text: (column: string) => string[],
): { features: Float32Array; kept: number[]; errors: RowError[] } {
  const width = inputs.mapping.featureColumns.length;
  const features = new Float32Array(rows.length * width);
  const kept: number[] = [];
  const errors: RowError[] = [];
  if (inputs.kind === 'columns') {
    const from = inputs.mapping.featureColumns.map((column) => parsedColumns.indexOf(column));
    for (const row of rows) {
      for (const [j, source] of from.entries())
        features[kept.length * width + j] = batch.features[row * parsedColumns.length + source]!;
      kept.push(row);
    }
    return { features, kept, errors };
  }
  const { spec, known } = inputs;
  const time = text(spec.time);
  const price = spec.price === undefined ? undefined : text(spec.price);
  const promotion = spec.promotion === undefined ? undefined : text(spec.promotion);
  for (const row of rows) {
    try {
      const values = forecastRowFeatures(
        { time: time[row]!, price: price?.[row], promotion: promotion?.[row] },
        spec,
        known,
      );
      features.set(values, kept.length * width);
      kept.push(row);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      errors.push({
        row: batch.rowNumbers[row]!,
        field: error.details?.field,
        reason: error.message,
      });
    }
  }
  return { features: features.subarray(0, kept.length * width), kept, errors };
}

function checkOutputs(keyed: KeyedScoringPlan, model: LoadedModel, mapping: FeatureMapping): void {
  const wanted = keyed.outputs.map((output) => output.name).join(', ');
  const got = mapping.outputs.map((output) => output.name).join(', ');
  if (wanted !== got)
    throw new ValidationError(
      `Model ${labelOf(model)} outputs ${got}, but the job's key models output ${wanted}: one keyed job writes one set of columns.`,
    );
}

async function scoreFallback(
  fallback: Extract<KeyedScoringPlan['fallback'], { kind: 'model' }>,
  batch: ScoringBatch,
  rows: readonly number[],
  parsedColumns: readonly string[],
  services: KeyedScoringRuntime,
): Promise<ScoredGroup> {
  const model = await services.models.load(fallback.model);
  const inputs: KeyedModelInputs = {
    kind: 'columns',
    mapping: fallback.mapping,
    textColumns: [],
    featureColumns: fallback.mapping.featureColumns,
  };
  const { features } = featuresOf(inputs, batch, rows, parsedColumns, () => []);
  const columns = await services.runner.scoreBatch(model, fallback.mapping, features, rows.length);
  return { rows, label: labelOf(model), columns };
}

/** The scored rows in input order (pass-through columns, `scored_by`, outputs), formatted and accounted. */
async function writeScored(
  plan: JobPlan,
  keyed: KeyedScoringPlan,
  batch: ScoringBatch,
  groups: readonly ScoredGroup[],
  errors: RowError[],
  partition: Partition,
  services: KeyedScoringRuntime,
  text: (column: string) => string[],
): Promise<ScoredPartition> {
  const order = new Array<{ group: ScoredGroup; at: number } | undefined>(batch.rowCount);
  for (const group of groups) group.rows.forEach((row, at) => (order[row] = { group, at }));
  const scoredRows: number[] = [];
  for (let row = 0; row < batch.rowCount; row++) if (order[row]) scoredRows.push(row);
  const predictions = keyed.outputs.map((output, o) => joinOutput(output.name, groups, o, order, scoredRows));
  const passThrough = keyed.passThrough.map((column) => scoredRows.map((row) => text(column)[row]!));
  passThrough.push(scoredRows.map((row) => order[row]!.group.label));
  const scored: ScoringBatch = {
    totalRows: batch.totalRows,
    rowCount: scoredRows.length,
    rowNumbers: Uint32Array.from(scoredRows, (row) => batch.rowNumbers[row]!),
    features: new Float32Array(0),
    passThrough,
    errors,
  };
  errors.sort((a, b) => a.row - b.row);
  const { writer } = services.formats[plan.output.format];
  const output = plan.output.summaryOnly
    ? Buffer.alloc(0)
    : await writer.write(scored, predictions, {
        includeHeader: partition.index === 0,
        passThroughColumns: [...keyed.passThrough, scoredByColumn],
      });
  return { output, totalRows: batch.totalRows, rowCount: scoredRows.length, errors };
}

/** One output column over the scored rows in input order, from the groups' columns. */
function joinOutput(
  name: string,
  groups: readonly ScoredGroup[],
  index: number,
  order: readonly ({ group: ScoredGroup; at: number } | undefined)[],
  scoredRows: readonly number[],
): PredictionColumn {
  const first = groups[0]?.columns[index];
  const width = first?.width ?? 1;
  for (const group of groups) {
    const column = group.columns[index]!;
    if (column.width !== width || column.values[Symbol.toStringTag] !== first!.values[Symbol.toStringTag])
      throw new ValidationError(
        `Output "${name}" of ${group.label} is ${column.values[Symbol.toStringTag]} × ${column.width}, not ${first!.values[Symbol.toStringTag]} × ${width} as ${groups[0]!.label}'s: one keyed job writes one set of columns.`,
      );
  }
  const Values = (first?.values.constructor ?? Float32Array) as new (
    length: number,
  ) => PredictionColumn['values'];
  const values = new Values(scoredRows.length * width);
  scoredRows.forEach((row, i) => {
    const { group, at } = order[row]!;
    const source = group.columns[index]!.values;
    for (let c = 0; c < width; c++) (values as unknown as unknown[])[i * width + c] = source[at * width + c];
  });
  return { name, width, values };
}
