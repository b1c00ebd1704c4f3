import { TransientError, ValidationError } from '../../errors';
import type { PartitionResult, ScorePartitionInput } from '../jobContracts';
import { formatErrorsJsonl } from '../formats';
import { blockIdOf, outputNames } from '../outputNames';
import type { ScoringServices } from '../ScoringServices';
import { stageBlockChecked } from '../../storage/stageBlock';

/**
 * Scores one partition: reads its byte range (or row group) of the pinned input version, parses and
 * validates rows, runs the model, and stages the output as block #index of the final blob (and the
 * bad rows as block #index of the error report). Staging a block again replaces it, so a retried or
 * re-delivered partition never duplicates rows. Transient faults are retried here with backoff; what
 * still fails is reported in the result, not thrown, so the job can account for it.
 */
export async function scorePartition(
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
  if (services.config.failPartitionOnce === partition.index && attempt === 1) {
    throw new TransientError(
      `Injected transient failure of partition ${partition.index} (SCORING_TEST_FAIL_PARTITION_ONCE).`,
    );
  }
  const { reader } = services.formats[plan.input.format];
  const { writer } = services.formats[plan.output.format];
  const blob = services.storage.container(plan.input.container).getBlobClient(plan.input.blob);
  const batch = await reader.parse(blob, { header: [...plan.header] }, partition, plan.schema, {
    delimiter: plan.input.delimiter,
    etag: plan.input.etag,
  });
  const model = await services.models.resolve(`${plan.model.name}@${plan.model.version}`);
  const predictions = await services.runner.score(model, plan.mapping, batch.features, batch.rowCount);
  const names = outputNames(plan, writer.extension);
  const output = await services.storage.ensureContainer(plan.output.container);
  let outputBytes = 0;
  if (!plan.output.summaryOnly) {
    const bytes = await writer.write(batch, predictions, {
      includeHeader: partition.index === 0,
      passThroughColumns: plan.schema.passThroughColumns,
    });
    outputBytes = bytes.length;
    if (writer.concatenates) {
      if (bytes.length > 0)
        await stageBlockChecked(
          output.getBlockBlobClient(names.predictions),
          blockIdOf(partition.index),
          bytes,
        );
    } else {
      await output.getBlockBlobClient(names.predictionPart(partition.index)).uploadData(bytes);
    }
  }
  const errorBytes = formatErrorsJsonl(batch.errors, `${plan.input.container}/${plan.input.blob}`);
  if (errorBytes.length > 0)
    await stageBlockChecked(output.getBlockBlobClient(names.errors), blockIdOf(partition.index), errorBytes);
  return {
    index: partition.index,
    firstRow: partition.firstRow,
    rows: batch.totalRows,
    scoredRows: batch.rowCount,
    badRows: batch.errors.length,
    outputBytes,
    errorBytes: errorBytes.length,
  };
}
