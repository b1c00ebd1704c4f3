import { jobIdAttribute, withSpan } from '../../telemetry';
import type { FailJobInput, JobOutcome } from '../jobContracts';
import type { ScoringServices } from '../ScoringServices';

/**
 * Ends a job that could not start scoring (bad spec, missing input, unknown or broken model). An
 * orchestration started without a job id (by hand, through the Durable API) has no job row to end.
 */
export function failScoreJob(input: FailJobInput, services: ScoringServices): Promise<JobOutcome> {
  const attributes = { [jobIdAttribute]: input.jobId ?? '' };
  return withSpan('failScoreJob', { parent: input, attributes }, () => fail(input, services));
}

async function fail(input: FailJobInput, services: ScoringServices): Promise<JobOutcome> {
  if (typeof input.jobId === 'string' && input.jobId !== '') {
    await services.jobs.update(input.jobId, {
      status: 'Failed',
      reason: input.reason,
      completedTime: new Date().toISOString(),
    });
  }
  return { jobId: input.jobId ?? '', status: 'Failed', reason: input.reason };
}
