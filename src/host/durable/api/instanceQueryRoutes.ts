import type { HostHttpRequest, HostHttpResponse } from '../../http/HttpRouter';
import { isTerminal } from '../taskHub/RuntimeStatus';
import { DurableClientError } from '../TaskHubClient';
import type { DurableApiContext, DurableRoute } from './DurableApiContext';
import { instanceStatusResponse } from './instanceStatusResponse';
import { errorResponse, jsonResponse } from './jsonResponse';
import { booleanParam, parseInstanceQuery } from './parseInstanceQuery';
import { toStatusPayload } from './toStatusPayload';

const continuationHeader = 'x-ms-continuation-token';

/** GET and DELETE on instances/{instanceId} and on instances (query and purge by filter). */
export function instanceQueryRoutes(context: DurableApiContext): DurableRoute[] {
  return [
    {
      methods: ['GET'],
      path: 'instances/{instanceId}',
      handle: (request, params) => getStatus(context, request, params.instanceId ?? ''),
    },
    { methods: ['GET'], path: 'instances', handle: (request) => listInstances(context, request) },
    {
      methods: ['DELETE'],
      path: 'instances/{instanceId}',
      handle: (_request, params) => purgeInstance(context, params.instanceId ?? ''),
    },
    { methods: ['DELETE'], path: 'instances', handle: (request) => purgeByFilter(context, request) },
  ];
}

async function getStatus(
  context: DurableApiContext,
  request: HostHttpRequest,
  instanceId: string,
): Promise<HostHttpResponse> {
  const showHistory = booleanParam(request.url.searchParams, 'showHistory', false);
  const status = await context.client.getStatus(instanceId, { showHistory });
  if (!status) return notFound(context, instanceId);
  return instanceStatusResponse(request, status);
}

async function listInstances(
  context: DurableApiContext,
  request: HostHttpRequest,
): Promise<HostHttpResponse> {
  const params = request.url.searchParams;
  const query = parseInstanceQuery(params);
  const token = request.headers[continuationHeader];
  query.continuationToken = (Array.isArray(token) ? token[0] : token) || undefined;
  const page = await context.client.list(query);
  const options = { showInput: booleanParam(params, 'showInput', true), showHistoryOutput: false };
  const headers: Record<string, string> = page.continuationToken
    ? { [continuationHeader]: page.continuationToken }
    : {};
  return jsonResponse(
    200,
    page.instances.map((instance) => toStatusPayload(instance, options)),
    headers,
  );
}

async function purgeInstance(context: DurableApiContext, instanceId: string): Promise<HostHttpResponse> {
  const status = await context.client.getStatus(instanceId);
  if (!status) return notFound(context, instanceId);
  if (!isTerminal(status.runtimeStatus)) {
    // The extension answers 412 here; TaskHubClient.purge would refuse it too (409).
    return errorResponse(
      412,
      `Only orchestrations in a terminal state can be purged, but the orchestration with instance ID ${instanceId} has status ${status.runtimeStatus}. Terminate it first.`,
    );
  }
  const deleted = await context.client.purge(instanceId);
  return deleted ? jsonResponse(200, { instancesDeleted: 1 }) : notFound(context, instanceId);
}

async function purgeByFilter(
  context: DurableApiContext,
  request: HostHttpRequest,
): Promise<HostHttpResponse> {
  const query = parseInstanceQuery(request.url.searchParams);
  if (!query.createdTimeFrom) {
    throw new DurableClientError(
      400,
      "Please provide value for 'createdTimeFrom' parameter (an ISO 8601 time).",
    );
  }
  query.createdTimeTo ??= new Date().toISOString();
  // Only finished instances are purged; a filter naming none of those statuses matches nothing.
  const onlyRunning = query.runtimeStatus && !query.runtimeStatus.some(isTerminal);
  const deleted = onlyRunning ? 0 : await context.client.purgeWhere(query);
  if (deleted === 0)
    return errorResponse(404, 'No finished instances matched the filter; nothing was purged.');
  return jsonResponse(200, { instancesDeleted: deleted });
}

function notFound(context: DurableApiContext, instanceId: string): HostHttpResponse {
  return errorResponse(404, `No instance with ID '${instanceId}' was found in task hub ${context.hubName}.`);
}
