import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import type { DurableClient } from 'durable-functions';
import { ConflictError, NotFoundError, ValidationError } from '../../errors';
import { withErrorResponses } from '../../http/withErrorResponses';
import { parseVideoJobRequest, resolveVideoJob } from './VideoJobSpec';
import { finishedVideoStatuses, type VideoJobRecord } from './VideoJobStore';
import type { VideoJobServices } from './VideoJobServices';
import type { VideoProgress } from './videoJobContracts';
import { couldBeVideoJobId, newVideoJobId, startVideoJob } from './startVideoJob';
import { topParameter } from '../../http/topParameter';

/** POST /api/videos: validates the request (400 naming the field) and starts the job (202 with its URL). */
export async function createVideoJob(
  request: HttpRequest,
  client: DurableClient,
  services: VideoJobServices,
): Promise<HttpResponseInit> {
  return withErrorResponses(async () => {
    const body: unknown = await request.json().catch(() => {
      throw new ValidationError('The request body must be a JSON video job.', { field: '(body)' });
    });
    const jobId = newVideoJobId();
    const input = resolveVideoJob(parseVideoJobRequest(body), services.defaults, services.containers, jobId);
    await startVideoJob(client, services, input, 'http');
    const url = new URL(`videos/${jobId}`, request.url.replace(/videos\/?(\?.*)?$/, '')).toString();
    return {
      status: 202,
      headers: { location: url },
      jsonBody: { id: jobId, status: 'Running', statusUrl: url },
    };
  });
}

/** The job row, with the frames styled so far from the orchestration while it runs. */
export type VideoJobView = VideoJobRecord & { readonly progress?: VideoProgress };

/** GET /api/videos/{id} */
export async function getVideoJob(
  id: string,
  client: DurableClient,
  services: VideoJobServices,
): Promise<HttpResponseInit> {
  return withErrorResponses(async () => {
    const job = await existingJob(id, services);
    let view: VideoJobView = job;
    if (job.status === 'Running') {
      const status = await client.getStatus(id, { showHistory: false, showInput: false });
      const progress = status?.customStatus as VideoProgress | undefined;
      if (progress && typeof progress === 'object') view = { ...job, progress };
    }
    return { status: 200, jsonBody: view };
  });
}

/** GET /api/videos?top= */
export async function listVideoJobs(
  request: HttpRequest,
  services: VideoJobServices,
): Promise<HttpResponseInit> {
  return withErrorResponses(async () => {
    const top = topParameter(request, 50);
    return { status: 200, jsonBody: await services.jobs.list(top) };
  });
}

/**
 * POST /api/videos/{id}/cancel: marks the job Cancelled, tells its running workers to stop (the cancel
 * marker) and terminates the orchestration, so nothing more is dispatched (202); a finished job is a 409.
 */
export async function cancelVideoJob(
  id: string,
  client: DurableClient,
  services: VideoJobServices,
): Promise<HttpResponseInit> {
  return withErrorResponses(async () => {
    const job = await existingJob(id, services);
    if (finishedVideoStatuses.includes(job.status))
      throw new ConflictError(`Video job '${id}' already finished (${job.status}).`);
    await services.jobs.update(id, {
      status: 'Cancelled',
      reason: 'Cancelled on request.',
      completedTime: new Date().toISOString(),
    });
    await services.dispatcher().cancel(id);
    await client.terminate(id, 'Cancelled on request').catch(() => undefined);
    return { status: 202, jsonBody: { id, status: 'Cancelled' } };
  });
}

/** The job's row; a 404 naming the id (quoted short: it comes from the URL, at any length) if none. */
async function existingJob(id: string, services: VideoJobServices): Promise<VideoJobRecord> {
  const job = couldBeVideoJobId(id) ? await services.jobs.get(id) : undefined;
  if (job) return job;
  throw new NotFoundError(`No video job with id '${id.length > 40 ? `${id.slice(0, 40)}...` : id}'.`);
}
