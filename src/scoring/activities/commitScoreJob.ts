import type { DriftBreachHandler } from '../../runtime/drift/DriftBreachHandler';
import { recordDrift } from '../../runtime/drift/recordDrift';
import { jobDriftStatusOf, summarizeDrift } from '../../runtime/drift/summarizeDrift';
import { appMetrics, jobIdAttribute, withSpan } from '../../telemetry';
import type { JobStatus } from '../JobStore';
import type { CommitInput, JobOutcome, PartitionResult } from '../jobContracts';
import { blockIdOf, outputNames } from '../outputNames';
import { strategyFor } from '../ModelStrategy';
import type { ScoringServices } from '../ScoringServices';
import { buildManifest } from './buildManifest';

/**
 * Fan-in: claims the job (status Committing, unless it was canceled), commits the staged blocks in
 * partition order (committing the same list again is harmless), writes `_errors.jsonl` and
 * `_manifest.json`, and records the job's final status and reason. Its drift goes to the `drift` table
 * and the manifest; a breach of a model whose card asks for it is handed to `onBreach` (a retrain).
 */
export function commitScoreJob(
  input: CommitInput,
  services: ScoringServices,
  onBreach?: DriftBreachHandler,
): Promise<JobOutcome> {
  const attributes = { [jobIdAttribute]: input.plan.jobId };
  return withSpan('commitScoreJob', { parent: input.plan.trace, attributes }, async (span) => {
    const outcome = await commit(input, services, onBreach);
    span.setAttribute('job.status', outcome.status);
    return outcome;
  });
}

async function commit(
  input: CommitInput,
  services: ScoringServices,
  onBreach?: DriftBreachHandler,
): Promise<JobOutcome> {
  const { plan, results } = input;
  // Claim the job first: a job canceled meanwhile is left as it is, with nothing committed.
  const was = await services.jobs.transition(plan.jobId, ['Queued', 'Running', 'Committing'], {
    status: 'Committing',
  });
  if (was === 'Canceled') return { jobId: plan.jobId, status: 'Canceled', reason: 'Canceled by request.' };
  const ordered = [...results].sort((a, b) => a.index - b.index);
  const { writer } = services.runtime.formats[plan.output.format];
  const names = outputNames(plan, writer.extension);
  const output = await services.runtime.storage.ensureContainer(plan.output.container);
  if (!plan.output.summaryOnly && writer.concatenates) {
    const blocks = ordered
      .filter((result) => !result.failure && result.outputBytes > 0)
      .map((result) => blockIdOf(result.index));
    await output.getBlockBlobClient(names.predictions).commitBlockList(blocks);
  }
  const errorBlocks = ordered
    .filter((result) => result.errorBytes > 0)
    .map((result) => blockIdOf(result.index));
  if (errorBlocks.length > 0) await output.getBlockBlobClient(names.errors).commitBlockList(errorBlocks);
  // Parquet parts do not concatenate: their folder is the output.
  const predictions = writer.concatenates
    ? names.predictions
    : names.predictionPart(0).replace(/part-\d+\.\w+$/, '');
  const { status, reason } = decide(plan, ordered);
  const completedTime = new Date().toISOString();
  const job = await services.jobs.get(plan.jobId);
  const drift = plan.model.drift && summarizeDrift(plan.model.drift, ordered);
  const response =
    drift &&
    (await recordDrift(
      {
        source: 'job',
        id: plan.jobId,
        model: plan.model.label.name,
        modelVersion: plan.model.label.version,
        completedTime,
        report: drift,
      },
      {
        store: services.drift,
        retrainOnBreach: plan.model.drift?.kind === 'baseline' && plan.model.drift.retrainOnBreach === true,
        onBreach,
      },
    ));
  const manifest = buildManifest({
    plan,
    results: ordered,
    status,
    reason,
    names: { ...names, predictions },
    errorsWritten: errorBlocks.length > 0,
    job,
    completedTime,
    strategy: strategyFor(services.strategies, plan.model.kind),
    drift: drift && response ? { ...drift, retrain: response } : drift,
  });
  const text = JSON.stringify(manifest, null, 2);
  await output
    .getBlockBlobClient(names.manifest)
    .upload(text, Buffer.byteLength(text), { blobHTTPHeaders: { blobContentType: 'application/json' } });
  const scoredRows = ordered.reduce((sum, result) => sum + result.scoredRows, 0);
  const badRows = ordered.reduce((sum, result) => sum + result.badRows, 0);
  await services.jobs.update(plan.jobId, {
    status,
    reason,
    completedTime,
    output: `${plan.output.container}/${plan.output.summaryOnly ? names.manifest : predictions}`,
    manifest: `${plan.output.container}/${names.manifest}`,
    partitionsDone: ordered.length,
    partitionsFailed: ordered.filter((result) => result.failure).length,
    scoredRows,
    badRows,
    driftStatus: jobDriftStatusOf(drift),
  });
  if (job?.createdTime) {
    const seconds = (Date.parse(completedTime) - Date.parse(job.createdTime)) / 1000;
    appMetrics().jobDuration.record(seconds, { model: plan.model.label.name, status });
  }
  return { jobId: plan.jobId, status, reason, manifest: `${plan.output.container}/${names.manifest}` };
}

/** Succeeded; PartiallySucceeded when bad rows or failed partitions stay within the threshold; else Failed. */
function decide(
  plan: CommitInput['plan'],
  results: readonly PartitionResult[],
): { status: JobStatus; reason?: string } {
  const failed = results.filter((result) => result.failure);
  const badRows = results.reduce((sum, result) => sum + result.badRows, 0);
  const problems: string[] = [];
  if (failed.length > 0) problems.push(`${failed.length} partition(s) failed: ${failed[0]!.failure}`);
  if (badRows > 0)
    problems.push(`${badRows} row(s) could not be scored; see _errors.jsonl for each row and reason`);
  if (problems.length === 0) return { status: 'Succeeded' };
  // Nothing scored is no partial success, whatever the threshold allows.
  if (results.every((result) => result.scoredRows === 0)) {
    const reason =
      failed.length > 0
        ? `No row could be scored: ${problems.join('; ')}.`
        : `None of the ${badRows} row(s) could be scored; see _errors.jsonl for each row and reason.`;
    return { status: 'Failed', reason };
  }
  const { maxBadRows, maxFailedPartitions } = plan.errorThreshold;
  const overRows = maxBadRows >= 0 && badRows > maxBadRows;
  const overPartitions = failed.length > maxFailedPartitions;
  if (overRows || overPartitions) {
    const limits = `limits: ${maxBadRows < 0 ? 'any number of' : maxBadRows} bad rows, ${maxFailedPartitions} failed partitions (errorThreshold in the job spec)`;
    return { status: 'Failed', reason: `${problems.join('; ')} — over the job's ${limits}.` };
  }
  return { status: 'PartiallySucceeded', reason: `${problems.join('; ')}.` };
}
