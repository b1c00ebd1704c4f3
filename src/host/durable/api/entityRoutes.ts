import type { HostHttpRequest, HostHttpResponse } from '../../http/HttpRouter';
import type { EntityId } from '../entities/EntityId';
import { DurableClientError } from '../TaskHubClient';
import type { DurableApiContext, DurableRoute } from './DurableApiContext';
import { jsonResponse } from './jsonResponse';
import { booleanParam } from './parseInstanceQuery';

const continuationHeader = 'x-ms-continuation-token';

/**
 * The entity endpoints as the extension serves them: GET entities/{name}/{key} reads the state (404
 * when the entity does not exist), POST signals the operation named by `?op=` with the body as its
 * input, DELETE signals "delete", and GET entities/{name} lists the entities of that name.
 */
export function entityRoutes(context: DurableApiContext): DurableRoute[] {
  const { entities } = context;
  const entityOf = (params: Record<string, string>): EntityId => ({
    name: params.entityName ?? '',
    key: params.entityKey ?? '',
  });
  return [
    {
      methods: ['GET'],
      path: 'entities/{entityName}/{entityKey}',
      handle: async (_request, params) => {
        const read = await entities.readState(entityOf(params));
        if (!read.exists) return { status: 404 };
        return {
          status: 200,
          headers: { 'content-type': 'application/json; charset=utf-8' },
          body: read.state ?? 'null',
        };
      },
    },
    {
      methods: ['POST', 'DELETE'],
      path: 'entities/{entityName}/{entityKey}',
      handle: async (request, params) => {
        const operation = request.method === 'DELETE' ? 'delete' : (request.url.searchParams.get('op') ?? '');
        await entities.signal(entityOf(params), operation, operationInput(request));
        return { status: 202 };
      },
    },
    {
      methods: ['GET'],
      path: 'entities/{entityName}',
      handle: (request, params) => listEntities(context, request, params.entityName ?? ''),
    },
  ];
}

/** The body as the operation's input: JSON as it is, any other content as a JSON string. */
function operationInput(request: HostHttpRequest): string | undefined {
  const text = request.body.toString('utf8');
  if (text === '') return undefined;
  const mediaType = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/json') return JSON.stringify(text);
  try {
    JSON.parse(text);
  } catch (error) {
    throw new DurableClientError(400, `Could not parse JSON content: ${(error as Error).message}`);
  }
  return text;
}

async function listEntities(
  context: DurableApiContext,
  request: HostHttpRequest,
  name: string,
): Promise<HostHttpResponse> {
  const params = request.url.searchParams;
  const top = params.get('top');
  const token = request.headers[continuationHeader];
  const page = await context.entities.list({
    name,
    lastOperationTimeFrom: params.get('lastOperationTimeFrom') ?? undefined,
    lastOperationTimeTo: params.get('lastOperationTimeTo') ?? undefined,
    top: top && /^\d+$/.test(top) ? Number(top) : undefined,
    continuationToken: (Array.isArray(token) ? token[0] : token) || undefined,
  });
  const fetchState = booleanParam(params, 'fetchState', false);
  const body = page.entities.map((entity) => ({
    entityId: entity.entityId,
    lastOperationTime: entity.lastOperationTime,
    ...(fetchState
      ? { state: entity.state === undefined ? null : (JSON.parse(entity.state) as unknown) }
      : {}),
  }));
  const headers: Record<string, string> = page.continuationToken
    ? { [continuationHeader]: page.continuationToken }
    : {};
  return jsonResponse(200, body, headers);
}
