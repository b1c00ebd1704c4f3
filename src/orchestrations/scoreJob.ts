import type * as df from 'durable-functions';
import {
  scoringActivityNames as activity,
  type JobOutcome,
  type PartitionResult,
  type PrepareResult,
  type ScoreJobInput,
} from '../scoring/jobContracts';

/**
 * The main job: prepare (resolve the model, check the input against it, plan partitions), score the
 * partitions in waves of `maxConcurrency`, then commit the output in input order with its manifest.
 * Deterministic: no I/O here, only activities. Partitions retry transient faults themselves and
 * report failures as results, so one bad partition never hides the others' outcomes. Progress is what
 * the activities write to the job tables, not the orchestration's custom status.
 */
export function* scoreJob(context: df.OrchestrationContext): Generator<df.Task, JobOutcome, unknown> {
  const input = context.df.getInput<ScoreJobInput | undefined>();
  if (typeof input?.jobId !== 'string' || input.jobId === '' || typeof input.spec !== 'object') {
    // Started by hand (e.g. through the Durable HTTP API) without a job: nothing to score or record.
    return {
      jobId: '',
      status: 'Failed',
      reason:
        'scoreJob needs { jobId, spec, source } as its input: start jobs with POST /api/jobs or a blob drop.',
    };
  }
  try {
    return yield* runJob(context, input);
  } catch (error) {
    // An activity fault the activities could not turn into a result: end the job with the reason
    // instead of leaving it Running.
    const reason = `The job stopped on an unexpected error: ${error instanceof Error ? error.message.split('\n')[0]?.trim() : String(error)}`;
    return (yield context.df.callActivity(activity.fail, {
      ...traceOf(input),
      jobId: input.jobId,
      reason,
    })) as JobOutcome;
  }
}

function* runJob(
  context: df.OrchestrationContext,
  input: ScoreJobInput,
): Generator<df.Task, JobOutcome, unknown> {
  const prepared = (yield context.df.callActivity(activity.prepare, input)) as PrepareResult;
  if (!prepared.ok) {
    return (yield context.df.callActivity(activity.fail, {
      ...traceOf(input),
      jobId: input.jobId,
      reason: prepared.reason,
    })) as JobOutcome;
  }
  const { plan, partitions } = prepared;
  const results: PartitionResult[] = [];
  for (let start = 0; start < partitions.length; start += plan.maxConcurrency) {
    const wave = partitions
      .slice(start, start + plan.maxConcurrency)
      .map((partition) => context.df.callActivity(activity.scorePartition, { plan, partition }));
    results.push(...((yield context.df.Task.all(wave)) as PartitionResult[]));
  }
  return (yield context.df.callActivity(activity.commit, { plan, partitions, results })) as JobOutcome;
}

/** The job's trace context, carried as data to the activities (orchestrators record no spans: they replay). */
function traceOf(input: ScoreJobInput): { traceParent?: string; traceState?: string } {
  return {
    ...(input.traceParent ? { traceParent: input.traceParent } : {}),
    ...(input.traceState ? { traceState: input.traceState } : {}),
  };
}
