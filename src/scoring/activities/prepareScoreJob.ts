import { ValidationError, NotFoundError } from '../../errors';
import { inputFormatOf, modelLabelOf, type JobSpec } from '../../jobs/JobSpec';
import { planKeyedScoring } from '../../manyModels/scoring/planKeyedScoring';
import type { JobPlan, PrepareResult, ScoreJobInput } from '../jobContracts';
import { evenPartitionBytes } from '../formats/PartitionBuilder';
import type { ScoringServices } from '../ScoringServices';

/**
 * Decides everything before the fan-out: the input version, the model and how columns map to it
 * (checked against the first rows), and the partitions. Problems a person must fix come back as a
 * reason (the job fails with it) rather than as an exception that would be retried.
 */
export async function prepareScoreJob(
  input: ScoreJobInput,
  services: ScoringServices,
): Promise<PrepareResult> {
  const { jobId, spec } = input;
  const container = spec.input.container ?? services.config.inputContainer;
  await services.jobs.update(jobId, {
    status: 'Running',
    startedTime: new Date().toISOString(),
    input: `${container}/${spec.input.blob}`,
  });
  try {
    const format = inputFormatOf(spec);
    const blob = services.storage.container(container).getBlobClient(spec.input.blob);
    const properties = await blob.getProperties().catch((error: unknown) => {
      if ((error as { statusCode?: number }).statusCode === 404)
        throw new NotFoundError(`Input blob ${container}/${spec.input.blob} does not exist.`);
      throw error;
    });
    const etag = properties.etag ?? '';
    if (input.inputEtag && etag.replace(/"/g, '') !== input.inputEtag.replace(/"/g, '')) {
      throw new ValidationError(
        `Input blob ${container}/${spec.input.blob} changed after this job was queued; its new version gets its own job.`,
      );
    }
    const options = { delimiter: spec.input.delimiter ?? ',', etag };
    const { reader } = services.formats[format];
    const bytes = properties.contentLength ?? 0;
    const target = evenPartitionBytes(bytes, spec.partitionBytes ?? services.config.partitionBytes);
    const layout = await reader.layout(blob, bytes, options, target);
    if (layout.totalRows === 0) {
      throw new ValidationError(
        `Input ${container}/${spec.input.blob} has no data rows${format === 'csv' ? ' (only a header line)' : ''}: there is nothing to score.`,
      );
    }
    const numeric = await reader.numericColumns(blob, layout, options);
    const passThrough = spec.output.passThrough ?? [];
    const missing = passThrough.filter((column) => !layout.header.includes(column));
    if (missing.length > 0) {
      throw new ValidationError(
        `output.passThrough names column(s) the input does not have: ${missing.join(', ')}.`,
        { field: 'output.passThrough' },
      );
    }
    const output = {
      container: spec.output.container ?? services.config.outputContainer,
      prefix: spec.output.prefix ?? jobId,
      format: spec.output.format ?? format,
      summaryOnly: spec.output.summaryOnly ?? false,
    };
    const scoring = await planModel(spec, layout.header, numeric, passThrough, output, services);
    const plan: JobPlan = {
      jobId,
      input: {
        container,
        blob: spec.input.blob,
        etag,
        bytes: properties.contentLength ?? 0,
        format,
        delimiter: options.delimiter,
      },
      header: layout.header,
      ...scoring.model,
      output,
      totalRows: layout.totalRows,
      maxConcurrency: spec.maxConcurrency ?? services.config.maxConcurrency,
      maxBadRows: spec.errorThreshold.maxBadRows,
      maxFailedPartitions: spec.errorThreshold.maxFailedPartitions,
      retry: spec.retry,
      notes: scoring.notes,
    };
    await services.jobs.update(jobId, {
      model: scoring.label.name,
      ...(scoring.label.version === undefined ? {} : { modelVersion: scoring.label.version }),
      partitions: layout.partitions.length,
      partitionsDone: 0,
      totalRows: layout.totalRows,
    });
    return { ok: true, plan, partitions: layout.partitions };
  } catch (error) {
    if (error instanceof ValidationError || error instanceof NotFoundError)
      return { ok: false, reason: error.message };
    throw error;
  }
}

/**
 * The job's model: one model (resolved, its inputs mapped to the input's columns), or for a keyed job
 * a version per key (see planKeyedScoring), with the parse schema either needs.
 */
async function planModel(
  spec: JobSpec,
  header: readonly string[],
  numeric: readonly string[],
  passThrough: readonly string[],
  output: JobPlan['output'],
  services: ScoringServices,
): Promise<{
  model: Pick<JobPlan, 'model' | 'keyed' | 'mapping' | 'schema'>;
  notes: readonly string[];
  label: { name: string; version?: string };
}> {
  if (typeof spec.model !== 'string') {
    const planned = await planKeyedScoring(
      { spec: spec.model, header, numericColumns: numeric, passThrough, output },
      services,
    );
    const { keyed } = planned;
    return {
      model: {
        keyed,
        mapping: {
          featureColumns: planned.schema.featureColumns,
          inputs: [],
          outputs: keyed.outputs,
          notes: [],
        },
        schema: planned.schema,
      },
      notes: planned.notes,
      label: { name: modelLabelOf(spec) },
    };
  }
  const model = await services.models.resolve(spec.model);
  const mapping = await services.runner.map(model, header, numeric);
  return {
    model: {
      model: { name: model.name, version: model.version, sha256: model.sha256 },
      mapping,
      schema: { featureColumns: mapping.featureColumns, passThroughColumns: passThrough },
    },
    notes: mapping.notes,
    label: { name: model.name, version: model.version },
  };
}
