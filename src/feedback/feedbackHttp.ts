import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { ValidationError } from '../errors';
import { withErrorResponses } from '../http/withErrorResponses';
import { checkModelName } from '../runtime/models/ModelCard';
import type { FeedbackServices } from './FeedbackServices';
import { processFeedback } from './processFeedback';
import { liveMetricBucketOf, liveMetricOf, liveMetricPoints } from './readLiveMetrics';

/**
 * POST /api/models/{name}/feedback: a CSV body (`id,label` header) or JSON (`{ idColumn?, rows }`),
 * joined as a drop is. 200 with the batch's row: counts, unjoined ids, rows per version.
 */
export async function postFeedback(
  name: string,
  request: HttpRequest,
  services: FeedbackServices,
): Promise<HttpResponseInit> {
  return withErrorResponses(async () => {
    checkModelName(name, 'name');
    const announced = Number(request.headers.get('content-length') ?? 0);
    if (announced > services.maxBytes) throw tooLarge(announced, services.maxBytes);
    const bytes = Buffer.from(await request.arrayBuffer());
    if (bytes.length === 0)
      throw new ValidationError('The request body is empty: send CSV (id,label) or JSON { "rows": [...] }.', {
        field: '(body)',
      });
    const json = (request.headers.get('content-type') ?? '').includes('json');
    const outcome = await processFeedback(
      {
        model: name,
        bytes,
        format: json ? 'json' : 'csv',
        source: 'request body',
        receivedTime: new Date().toISOString(),
      },
      services,
    );
    return { status: 200, jsonBody: { ...outcome.batch, alreadyJoined: outcome.alreadyJoined } };
  });
}

/** GET /api/models/{name}/feedback: the model's feedback batches, oldest first. */
export async function listFeedback(name: string, services: FeedbackServices): Promise<HttpResponseInit> {
  return withErrorResponses(async () => {
    checkModelName(name, 'name');
    return { status: 200, jsonBody: { model: name, batches: await services.store.batches(name) } };
  });
}

/**
 * GET /api/models/{name}/live-metrics?metric=&bucket=day|hour&since=: the model's live metric per
 * version and bucket, from the labelled rows of its feedback, ordered by time.
 */
export async function getLiveMetrics(
  name: string,
  request: HttpRequest,
  services: FeedbackServices,
): Promise<HttpResponseInit> {
  return withErrorResponses(async () => {
    checkModelName(name, 'name');
    const card = (await services.models.resolve({ name })).card;
    const metric = liveMetricOf(request.query.get('metric'), card?.task ?? 'regression');
    const bucket = liveMetricBucketOf(request.query.get('bucket'));
    const since = request.query.get('since') ?? undefined;
    if (since !== undefined && Number.isNaN(Date.parse(since)))
      throw new ValidationError(`Query parameter "since": must be an ISO time.`, { field: 'since' });
    const rows = await services.store.metrics(name, since && new Date(since).toISOString());
    return {
      status: 200,
      jsonBody: { model: name, metric, bucket, points: liveMetricPoints(rows, metric, bucket) },
    };
  });
}

function tooLarge(bytes: number, limit: number): ValidationError {
  return new ValidationError(
    `The request body is ${bytes} bytes, over the ${limit}-byte limit of a feedback batch (FEEDBACK_MAX_BYTES); split it.`,
    { field: '(body)' },
  );
}
