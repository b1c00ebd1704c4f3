import { NotFoundError, ValidationError } from '../../errors';
import { evenPartitionBytes } from '../../runtime/formats/PartitionBuilder';
import type { JobPlan, PrepareResult, ScoreJobInput } from '../jobContracts';
import { strategyFor } from '../ModelStrategy';
import type { ScoringServices } from '../ScoringServices';

/**
 * Decides everything before the fan-out: the input version, the model(s) and how columns map to them
 * (checked against the first rows), and the partitions. The spec arrives resolved: no default is
 * applied here. Problems a person must fix come back as a reason (the job fails with it) rather than
 * as an exception that would be retried.
 */
export async function prepareScoreJob(
  input: ScoreJobInput,
  services: ScoringServices,
): Promise<PrepareResult> {
  const { jobId, spec } = input;
  const { storage, formats } = services.runtime;
  const where = `${spec.input.container}/${spec.input.blob}`;
  await services.jobs.update(jobId, {
    status: 'Running',
    startedTime: new Date().toISOString(),
    input: where,
  });
  try {
    const blob = storage.container(spec.input.container).getBlobClient(spec.input.blob);
    const properties = await blob.getProperties().catch((error: unknown) => {
      if ((error as { statusCode?: number }).statusCode === 404)
        throw new NotFoundError(`Input blob ${where} does not exist.`);
      throw error;
    });
    const etag = properties.etag ?? '';
    if (spec.input.etag && etag.replace(/"/g, '') !== spec.input.etag.replace(/"/g, '')) {
      throw new ValidationError(
        `Input blob ${where} changed after this job was queued; its new version gets its own job.`,
      );
    }
    const options = { delimiter: spec.input.delimiter, etag };
    const { reader } = formats[spec.input.format];
    const bytes = properties.contentLength ?? 0;
    const target = evenPartitionBytes(bytes, spec.partitionBytes);
    const layout = await reader.layout(blob, bytes, options, target).catch((error: unknown) => {
      // The readers speak of "the file"; the job's reason names which one.
      if (error instanceof ValidationError)
        throw new ValidationError(`Input ${where}: ${error.message}`, error.details);
      throw error;
    });
    if (layout.totalRows === 0) {
      throw new ValidationError(
        `Input ${where} has no data rows${spec.input.format === 'csv' ? ' (only a header line)' : ''}: there is nothing to score.`,
      );
    }
    const missing = spec.output.passThrough.filter((column) => !layout.header.includes(column));
    if (missing.length > 0) {
      throw new ValidationError(
        `output.passThrough names column(s) the input does not have: ${missing.join(', ')}.`,
        { field: 'output.passThrough' },
      );
    }
    const numericColumns = await reader.numericColumns(blob, layout, options);
    const model = await strategyFor(services.strategies, spec.model.kind).plan({
      jobId,
      spec,
      header: layout.header,
      numericColumns,
    });
    const plan: JobPlan = {
      jobId,
      input: { ...spec.input, etag, bytes },
      header: layout.header,
      model,
      output: spec.output,
      totalRows: layout.totalRows,
      maxConcurrency: spec.maxConcurrency,
      errorThreshold: spec.errorThreshold,
      retry: spec.retry,
    };
    await services.jobs.update(jobId, {
      model: model.label.name,
      ...(model.label.version === undefined ? {} : { modelVersion: String(model.label.version) }),
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
