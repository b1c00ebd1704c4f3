import { ValidationError } from '../../errors';
import { formatErrorsJsonl } from '../../runtime/formats';
import { stageBlockChecked } from '../../storage/stageBlock';
import { appMetrics, jobIdAttribute, withSpan } from '../../telemetry';
import type { PartitionResult, ScorePartitionInput } from '../jobContracts';
import { strategyFor } from '../ModelStrategy';
import { blockIdOf, outputNames } from '../outputNames';
import type { ScoringServices } from '../ScoringServices';

/**
 * Scores one partition: the job's model strategy reads its byte range (or row group) of the pinned
 * input version, parses and validates rows and runs the pinned model(s); the output is staged as block
 * #index of the final blob (and the bad rows as block #index of the error report). Staging a block again replaces it, so a retried or
 * re-delivered partition never duplicates rows. Transient faults are retried here with backoff; what
 * still fails is reported in the result, not thrown, so the job can account for it.
 */
export function scorePartition(
  input: ScorePartitionInput,
  services: ScoringServices,
): Promise<PartitionResult> {
  const { plan, partition } = input;
  const attributes = { [jobIdAttribute]: plan.jobId, 'partition.index': partition.index };
  return withSpan('scorePartition', { parent: plan.trace, attributes }, async (span) => {
    const result = await scoreWithRetries(input, services);
    span.setAttributes({ 'partition.rows': result.scoredRows, 'partition.attempts': result.attempts });
    recordPartitionMetrics(plan, result);
    return result;
  });
}

function recordPartitionMetrics(plan: ScorePartitionInput['plan'], result: PartitionResult): void {
  const { name, version } = plan.model.label;
  const model = { model: name, 'model.version': version === undefined ? '' : String(version) };
  const metrics = appMetrics();
  if (result.attempts > 1) metrics.partitionRetries.add(result.attempts - 1, { model: name });
  if (result.scoredRows === 0) return;
  metrics.scoredRows.add(result.scoredRows, model);
  if (result.durationMs > 0)
    metrics.partitionThroughput.record(result.scoredRows / (result.durationMs / 1000), model);
}

async function scoreWithRetries(
  input: ScorePartitionInput,
  services: ScoringServices,
): Promise<PartitionResult> {
  const { plan, partition } = input;
  const started = Date.now();
  let attempt = 0;
  for (;;) {
    attempt++;
    await services.jobs.savePartition({
      jobId: plan.jobId,
      index: partition.index,
      status: 'Running',
      firstRow: partition.firstRow,
      rows: partition.rows,
      attempt,
      startedTime: new Date().toISOString(),
    });
    try {
      const result = await scoreOnce(input, services, attempt);
      const final = { ...result, attempts: attempt, durationMs: Date.now() - started };
      await services.jobs.savePartition({
        jobId: plan.jobId,
        index: partition.index,
        status: 'Succeeded',
        firstRow: partition.firstRow,
        rows: partition.rows,
        badRows: final.badRows,
        attempt,
        completedTime: new Date().toISOString(),
        durationMs: final.durationMs,
      });
      return final;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const permanent = error instanceof ValidationError || attempt >= plan.retry.maxAttempts;
      if (permanent) {
        await services.jobs.savePartition({
          jobId: plan.jobId,
          index: partition.index,
          status: 'Failed',
          firstRow: partition.firstRow,
          rows: partition.rows,
          attempt,
          completedTime: new Date().toISOString(),
          error: message,
        });
        const failure = `Partition ${partition.index} (rows ${partition.firstRow}-${partition.firstRow + partition.rows - 1}) failed after ${attempt} attempt(s): ${message}`;
        return {
          index: partition.index,
          firstRow: partition.firstRow,
          rows: partition.rows,
          scoredRows: 0,
          badRows: 0,
          outputBytes: 0,
          errorBytes: 0,
          attempts: attempt,
          durationMs: Date.now() - started,
          failure,
        };
      }
      await new Promise((resolve) =>
        setTimeout(resolve, plan.retry.firstRetryIntervalMs * 2 ** (attempt - 1)),
      );
    }
  }
}

async function scoreOnce(input: ScorePartitionInput, services: ScoringServices, attempt: number) {
  const { plan, partition } = input;
  const { storage, formats, faults } = services.runtime;
  faults.inject('scorePartition', partition.index, attempt);
  const { writer } = formats[plan.output.format];
  const scored = await strategyFor(services.strategies, plan.model.kind).scorePartition(plan, partition);
  const names = outputNames(plan, writer.extension);
  const output = await storage.ensureContainer(plan.output.container);
  const bytes = scored.output;
  if (bytes.length > 0) {
    if (writer.concatenates) {
      await stageBlockChecked(
        output.getBlockBlobClient(names.predictions),
        blockIdOf(partition.index),
        bytes,
      );
    } else {
      await output.getBlockBlobClient(names.predictionPart(partition.index)).uploadData(bytes);
    }
  }
  const errorBytes = formatErrorsJsonl(scored.errors, `${plan.input.container}/${plan.input.blob}`);
  if (errorBytes.length > 0)
    await stageBlockChecked(output.getBlockBlobClient(names.errors), blockIdOf(partition.index), errorBytes);
  return {
    index: partition.index,
    firstRow: partition.firstRow,
    rows: scored.totalRows,
    scoredRows: scored.rowCount,
    badRows: scored.errors.length,
    outputBytes: bytes.length,
    errorBytes: errorBytes.length,
    binCounts: scored.binCounts,
    predictionBinCounts: scored.predictionBinCounts,
  };
}
