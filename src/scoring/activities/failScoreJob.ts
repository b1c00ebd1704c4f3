import type { FailJobInput, JobOutcome } from '../jobContracts';
import type { ScoringServices } from '../ScoringServices';

/**
 * Ends a job that could not start scoring (bad spec, missing input, unknown or broken model). An
 * orchestration started without a job id (by hand, through the Durable API) has no job row to end.
 */
export async function failScoreJob(input: FailJobInput, services: ScoringServices): Promise<JobOutcome> {
  if (typeof input.jobId === 'string' && input.jobId !== '') {
    await services.jobs.update(input.jobId, {
      status: 'Failed',
      reason: input.reason,
      completedTime: new Date().toISOString(),
    });
  }
  return { jobId: input.jobId ?? '', status: 'Failed', reason: input.reason };
}
