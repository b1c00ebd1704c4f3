import { TransientError, ValidationError } from '../../errors';
import { scoreKeyedPartition } from '../../manyModels/scoring/scoreKeyedPartition';
import type { PartitionResult, ScorePartitionInput } from '../jobContracts';
import { formatErrorsJsonl } from '../formats';
import { blockIdOf, outputNames } from '../outputNames';
import type { ScoredPartition } from '../ScoringBatch';
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
  const { writer } = services.formats[plan.output.format];
  const scored = await scoreRows(input, services);
  const names = outputNames(plan, writer.extension);
  const output = await services.storage.ensureContainer(plan.output.container);
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
  };
}

/**
 * Reads, parses, scores and formats the partition. CSV and JSON Lines in and out go whole to an
 * inference worker (the event loop only moves bytes); other formats parse and format here.
 */
async function scoreRows(input: ScorePartitionInput, services: ScoringServices): Promise<ScoredPartition> {
  const { plan, partition } = input;
  if (plan.keyed) return scoreKeyedPartition(plan, plan.keyed, partition, services);
  if (!plan.model) throw new Error(`Job ${plan.jobId}: the plan names no model`);
  const { reader } = services.formats[plan.input.format];
  const { writer } = services.formats[plan.output.format];
  const blob = services.storage.container(plan.input.container).getBlobClient(plan.input.blob);
  const options = { delimiter: plan.input.delimiter, etag: plan.input.etag };
  const model = await services.models.resolve(`${plan.model.name}@${plan.model.version}`);
  const outputOptions = {
    includeHeader: partition.index === 0,
    passThroughColumns: plan.schema.passThroughColumns,
  };
  const textInput =
    plan.input.format === 'csv' || plan.input.format === 'jsonl' ? plan.input.format : undefined;
  const textOutput =
    plan.output.format === 'csv' || plan.output.format === 'jsonl' ? plan.output.format : undefined;
  if (reader.readBytes && textInput && (textOutput || plan.output.summaryOnly)) {
    const readBytes = reader.readBytes;
    return services.runner.scoreText(model, async () => ({
      input: { format: textInput, delimiter: plan.input.delimiter },
      header: plan.header,
      bytes: await readBytes(blob, partition, options),
      partition,
      schema: plan.schema,
      mapping: plan.mapping,
      output: { ...outputOptions, format: plan.output.summaryOnly ? 'none' : (textOutput ?? 'none') },
    }));
  }
  const batch = await reader.parse(blob, { header: [...plan.header] }, partition, plan.schema, options);
  const predictions = await services.runner.score(model, plan.mapping, batch.features, batch.rowCount);
  const output = plan.output.summaryOnly
    ? Buffer.alloc(0)
    : await writer.write(batch, predictions, outputOptions);
  return { output, totalRows: batch.totalRows, rowCount: batch.rowCount, errors: batch.errors };
}
