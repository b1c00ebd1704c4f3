import { NotFoundError, ValidationError } from '../../errors';
import { jobIdAttribute, withSpan } from '../../telemetry';
import { listImageShards } from '../images/listImageShards';
import type { JobPlan, PrepareResult, ScoreJobInput } from '../jobContracts';
import { strategyFor } from '../ModelStrategy';
import type { ScoringServices } from '../ScoringServices';
import { readTableInput } from './readTableInput';

/**
 * Decides everything before the fan-out: the input version (a file's, or each image's of a folder),
 * the model(s) and how columns map to them (checked against the first rows), and the partitions. The
 * spec arrives resolved: no default is applied here. Problems a person must fix come back as a reason (the job fails with it) rather than
 * as an exception that would be retried.
 */
export function prepareScoreJob(input: ScoreJobInput, services: ScoringServices): Promise<PrepareResult> {
  const attributes = { [jobIdAttribute]: input.jobId };
  return withSpan('prepareScoreJob', { parent: input, attributes }, () => prepare(input, services));
}

async function prepare(input: ScoreJobInput, services: ScoringServices): Promise<PrepareResult> {
  const { jobId, spec } = input;
  const where = `${spec.input.container}/${spec.input.blob}`;
  await services.jobs.update(jobId, {
    status: 'Running',
    startedTime: new Date().toISOString(),
    input: where,
  });
  try {
    const layout =
      spec.input.format === 'images'
        ? await listImageShards(spec, services.runtime.storage)
        : await readTableInput(spec, services);
    const { etag, bytes, numericColumns } = layout;
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
      trace: { traceParent: input.traceParent, traceState: input.traceState },
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
