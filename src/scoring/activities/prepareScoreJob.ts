import { ValidationError, NotFoundError } from '../../errors';
import { inputFormatOf } from '../../jobs/JobSpec';
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
    const model = await services.models.resolve(spec.model);
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
    const mapping = await services.runner.map(model, layout.header, numeric);
    const passThrough = spec.output.passThrough ?? [];
    const missing = passThrough.filter((column) => !layout.header.includes(column));
    if (missing.length > 0) {
      throw new ValidationError(
        `output.passThrough names column(s) the input does not have: ${missing.join(', ')}.`,
        { field: 'output.passThrough' },
      );
    }
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
      model: { name: model.name, version: model.version, sha256: model.sha256 },
      mapping,
      schema: { featureColumns: mapping.featureColumns, passThroughColumns: passThrough },
      output: {
        container: spec.output.container ?? services.config.outputContainer,
        prefix: spec.output.prefix ?? jobId,
        format: spec.output.format ?? format,
        summaryOnly: spec.output.summaryOnly ?? false,
      },
      totalRows: layout.totalRows,
      maxConcurrency: spec.maxConcurrency ?? services.config.maxConcurrency,
      maxBadRows: spec.errorThreshold.maxBadRows,
      maxFailedPartitions: spec.errorThreshold.maxFailedPartitions,
      retry: spec.retry,
      notes: mapping.notes,
    };
    await services.jobs.update(jobId, {
      model: model.name,
      modelVersion: model.version,
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
