import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import type { DurableClient } from 'durable-functions';
import { NotFoundError, ValidationError, ConflictError } from '../errors';
import type { ScoringServices } from './ScoringServices';
import { couldBeJobId, newJobId } from './jobIds';
import { parseJobSpec } from './JobSpec';
import { resolveJobSpec } from './resolveJobSpec';
import { finishedJobStatuses, type JobStatus } from './JobStore';
import { readJobView } from './readJobView';
import { startScoreJob } from './startScoreJob';
import { withErrorResponses } from '../http/withErrorResponses';
import { topParameter } from '../http/topParameter';

const jobStatuses: readonly JobStatus[] = [
  'Queued',
  'Running',
  'Committing',
  'Succeeded',
  'PartiallySucceeded',
  'Failed',
  'Canceled',
];

/** POST /api/jobs: validates the spec (400 naming the field) and starts the job (202 with its URL). */
export async function createJob(
  request: HttpRequest,
  client: DurableClient,
  services: ScoringServices,
): Promise<HttpResponseInit> {
  return withErrorResponses(async () => {
    const body: unknown = await request.json().catch(() => {
      throw new ValidationError('The request body must be a JSON job spec.', { field: '(body)' });
    });
    const jobId = newJobId();
    const spec = resolveJobSpec(parseJobSpec(body), services.defaults, { jobId });
    const { job } = await startScoreJob(client, services.jobs, { jobId, spec, source: 'http' });
    const url = new URL(`jobs/${jobId}`, request.url.replace(/jobs\/?(\?.*)?$/, '')).toString();
    return {
      status: 202,
      headers: { location: url },
      jsonBody: { id: jobId, status: job.status, statusUrl: url },
    };
  });
}

/**
 * GET /api/jobs/{id}: the job row with its progress, read from the job tables (the one source of job
 * progress: the CLI and the demo read this same view).
 */
export async function getJob(id: string, services: ScoringServices): Promise<HttpResponseInit> {
  return withErrorResponses(async () => {
    const view = couldBeJobId(id) ? await readJobView(services.jobs, id) : undefined;
    if (!view) throw noSuchJob(id);
    return { status: 200, jsonBody: view };
  });
}

/** GET /api/jobs?status=&top= */
export async function listJobs(request: HttpRequest, services: ScoringServices): Promise<HttpResponseInit> {
  return withErrorResponses(async () => {
    const status = request.query
      .get('status')
      ?.split(',')
      .filter((value) => value !== '');
    const unknown = status?.filter((value) => !jobStatuses.includes(value as JobStatus)) ?? [];
    if (unknown.length > 0)
      throw new ValidationError(`Unknown status ${unknown.join(', ')}; use ${jobStatuses.join(', ')}.`, {
        field: 'status',
      });
    const top = topParameter(request, 50);
    return {
      status: 200,
      jsonBody: await services.jobs.list({ status: status as JobStatus[] | undefined, top }),
    };
  });
}

/**
 * POST /api/jobs/{id}/cancel: marks the job Canceled (only while it is Queued or Running, under the row's
 * ETag, so it cannot race the commit), then stops the orchestration; staged partitions are not committed.
 */
export async function cancelJob(
  id: string,
  client: DurableClient,
  services: ScoringServices,
): Promise<HttpResponseInit> {
  return withErrorResponses(async () => {
    if (!couldBeJobId(id)) throw noSuchJob(id);
    const was = await services.jobs.transition(id, ['Queued', 'Running'], {
      status: 'Canceled',
      reason: 'Canceled by request.',
      completedTime: new Date().toISOString(),
    });
    if (was === undefined) throw noSuchJob(id);
    if (was === 'Committing')
      throw new ConflictError(
        `Job '${id}' is committing its output and can no longer be canceled; it finishes in a moment.`,
      );
    if (finishedJobStatuses.includes(was)) throw new ConflictError(`Job '${id}' already finished (${was}).`);
    await client.terminate(id, 'Canceled by request').catch(() => undefined);
    return { status: 202, jsonBody: { id, status: 'Canceled' } };
  });
}

/** The id is quoted short: it comes from the URL, at any length. */
function noSuchJob(id: string): NotFoundError {
  return new NotFoundError(`No job with id '${id.length > 40 ? `${id.slice(0, 40)}...` : id}'.`);
}
