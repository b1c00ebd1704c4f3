import type { HostHttpRequest, HostHttpResponse } from '../../http/HttpRouter';
import { DurableClientError } from '../TaskHubClient';
import { waitForCompletionOrCheckStatus } from './checkStatusResponse';
import type { DurableApiContext, DurableRoute } from './DurableApiContext';
import { booleanParam } from './parseInstanceQuery';
import { readJsonBody } from './readJsonBody';

type Params = Record<string, string>;

const accepted: HostHttpResponse = { status: 202 };

function textResponse(status: number, text: string): HostHttpResponse {
  return { status, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: text };
}

/** POST instances/{instanceId}/raiseEvent/{eventName}, and .../terminate|suspend|resume|restart|rewind. */
export function instanceOperationRoutes(context: DurableApiContext): DurableRoute[] {
  const { client } = context;
  const reason = (request: HostHttpRequest) => request.url.searchParams.get('reason') ?? undefined;
  const operation = (
    path: string,
    run: (instanceId: string, request: HostHttpRequest, params: Params) => Promise<HostHttpResponse>,
  ): DurableRoute => ({
    methods: ['POST'],
    path: `instances/{instanceId}/${path}`,
    handle: (request, params) => run(params.instanceId ?? '', request, params),
  });
  return [
    operation('raiseEvent/{eventName}', async (instanceId, request, params) => {
      await client.raiseEvent(instanceId, params.eventName ?? '', readEventData(request));
      return accepted;
    }),
    operation('terminate', async (instanceId, request) => {
      await client.terminate(instanceId, reason(request));
      return accepted;
    }),
    operation('suspend', async (instanceId, request) => {
      await client.suspend(instanceId, reason(request));
      return accepted;
    }),
    operation('resume', async (instanceId, request) => {
      await client.resume(instanceId, reason(request));
      return accepted;
    }),
    operation('restart', async (instanceId, request) => {
      const withNewId = booleanParam(request.url.searchParams, 'restartWithNewInstanceId', true);
      const newInstanceId = await client.restart(instanceId, withNewId);
      return waitForCompletionOrCheckStatus(context, request, newInstanceId);
    }),
    // df's client rejects with the response body itself here, so these answers are plain text.
    operation('rewind', async (instanceId) => {
      if (!(await client.getStatus(instanceId))) {
        return textResponse(
          404,
          `No instance with ID '${instanceId}' was found in task hub ${context.hubName}.`,
        );
      }
      return textResponse(
        501,
        'Rewind is not supported by the embedded host; restart the instance instead (POST .../restart).',
      );
    }),
  ];
}

/** The event's data; like the extension, only application/json bodies are accepted. */
function readEventData(request: HostHttpRequest): string | undefined {
  const mediaType = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/json') {
    throw new DurableClientError(
      400,
      'Only application/json request content is supported for raiseEvent (set Content-Type: application/json).',
    );
  }
  return readJsonBody(request, 'the event data (request body)');
}
