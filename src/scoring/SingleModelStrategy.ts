import { tableFormatOf } from '../runtime/formats/InputFormat';
import type { Partition, ScoredPartition } from '../runtime/formats/ScoringBatch';
import type { FeatureMapping } from '../runtime/inference/mapFeatures';
import type { PinnedModel } from '../runtime/models/LoadedModel';
import type { RuntimeServices } from '../runtime/RuntimeServices';
import { countFeatureBins } from '../runtime/drift/binCounts';
import { countPredictionBins } from '../runtime/drift/predictionBins';
import { planDrift } from '../runtime/drift/planDrift';
import type { JobPlan, ModelPlan } from './jobContracts';
import type { ModelPlanRequest, ModelStrategy } from './ModelStrategy';

/** One model for every row: the version pinned when the job was planned, and how columns feed it. */
export interface SingleModelPlan extends ModelPlan {
  readonly kind: 'single';
  readonly pinned: PinnedModel;
  readonly mapping: FeatureMapping;
}

/** Scores every row of a job with one model version, pinned (name, version, SHA-256) at planning. */
export class SingleModelStrategy implements ModelStrategy {
  readonly kind = 'single';

  constructor(private readonly runtime: Pick<RuntimeServices, 'storage' | 'formats' | 'models' | 'runner'>) {}

  async plan(request: ModelPlanRequest): Promise<SingleModelPlan> {
    const { spec } = request;
    if (spec.model.kind !== 'single') throw new Error(`SingleModelStrategy got a ${spec.model.kind} model`);
    const model = await this.runtime.models.resolve(spec.model.ref);
    const mapping = await this.runtime.runner.mapInputs(model, request.header, request.numericColumns);
    const passThrough = spec.output.passThrough;
    return {
      kind: 'single',
      pinned: { name: model.name, version: model.version, sha256: model.sha256, files: model.files },
      mapping,
      schema: { featureColumns: mapping.featureColumns, passThroughColumns: passThrough },
      outputColumns: passThrough,
      outputs: mapping.outputs,
      label: { name: model.name, version: model.version },
      notes: mapping.notes,
      drift: planDrift(
        model.card,
        mapping.featureColumns,
        mapping.outputs.map((output) => output.name),
      ),
    };
  }

  /**
   * CSV and JSON Lines in and out go whole to an inference worker (the event loop only moves bytes);
   * other formats parse and format here.
   */
  async scorePartition(plan: JobPlan, partition: Partition): Promise<ScoredPartition> {
    const { pinned, mapping, schema } = singlePlanOf(plan);
    const measured = plan.model.drift?.kind === 'baseline' ? plan.model.drift : undefined;
    const drift = measured?.features;
    const predictionDrift = measured?.predictions?.length ? measured.predictions : undefined;
    const { storage, formats, models, runner } = this.runtime;
    const inputFormat = tableFormatOf(plan.input.format);
    const { reader } = formats[inputFormat];
    const { writer } = formats[plan.output.format];
    const blob = storage.container(plan.input.container).getBlobClient(plan.input.blob);
    const options = { delimiter: plan.input.delimiter, etag: plan.input.etag };
    const model = await models.load(pinned);
    const outputOptions = {
      includeHeader: partition.index === 0,
      passThroughColumns: schema.passThroughColumns,
    };
    const textInput = inputFormat === 'parquet' ? undefined : inputFormat;
    const textOutput = plan.output.format === 'parquet' ? undefined : plan.output.format;
    if (reader.readBytes && textInput && (textOutput || plan.output.summaryOnly)) {
      const readBytes = reader.readBytes;
      return runner.scoreTextPartition(model, async () => ({
        input: { format: textInput, delimiter: plan.input.delimiter },
        header: plan.header,
        bytes: await readBytes(blob, partition, options),
        partition,
        schema,
        mapping,
        drift,
        predictionDrift,
        output: { ...outputOptions, format: plan.output.summaryOnly ? 'none' : (textOutput ?? 'none') },
      }));
    }
    const batch = await reader.parse(blob, { header: [...plan.header] }, partition, schema, options);
    const predictions = await runner.scoreBatch(model, mapping, batch.features, batch.rowCount);
    const output = plan.output.summaryOnly
      ? Buffer.alloc(0)
      : await writer.write(batch, predictions, outputOptions);
    const width = schema.featureColumns.length;
    const binCounts = drift && countFeatureBins(batch.features, batch.rowCount, width, drift);
    const predictionBinCounts =
      predictionDrift && countPredictionBins(predictions, batch.rowCount, predictionDrift);
    const { totalRows, rowCount, errors } = batch;
    return { output, totalRows, rowCount, errors, binCounts, predictionBinCounts };
  }

  describe(plan: JobPlan) {
    const { pinned, schema } = singlePlanOf(plan);
    return {
      model: { name: pinned.name, version: pinned.version, sha256: pinned.sha256 },
      featureColumns: schema.featureColumns,
    };
  }
}

function singlePlanOf(plan: JobPlan): SingleModelPlan {
  if (plan.model.kind !== 'single')
    throw new Error(`Job ${plan.jobId}: the plan is for ${plan.model.kind} models, not one model`);
  return plan.model as SingleModelPlan;
}
