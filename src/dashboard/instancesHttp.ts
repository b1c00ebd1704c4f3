import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import * as df from 'durable-functions';
import { NotFoundError, ValidationError } from '../errors';
import { withErrorResponses } from '../http/withErrorResponses';

const runtimeStatuses = Object.values(df.OrchestrationRuntimeStatus);
// History events keep their inputs and results; a page needs to see them, not megabytes of them.
const maxTextLength = 2000;

/**
 * GET /api/instances?status=&name=&days=&top=: orchestration instances, newest first, through
 * the durable client (so it reads the same on Azure as on the embedded host).
 */
export async function listInstances(
  request: HttpRequest,
  client: df.DurableClient,
): Promise<HttpResponseInit> {
  return withErrorResponses(async () => {
    const status = request.query
      .get('status')
      ?.split(',')
      .filter((value) => value !== '');
    const unknown = status?.filter(
      (value) => !runtimeStatuses.includes(value as df.OrchestrationRuntimeStatus),
    );
    if (unknown?.length)
      throw new ValidationError(`Unknown status ${unknown.join(', ')}; use ${runtimeStatuses.join(', ')}.`, {
        field: 'status',
      });
    const days = wholeNumber(request, 'days', 7, 1, 366);
    const top = wholeNumber(request, 'top', 100, 1, 1000);
    const name = request.query.get('name') ?? '';
    const instances = await client.getStatusBy({
      createdTimeFrom: new Date(Date.now() - days * 86_400_000),
      runtimeStatus: status as df.OrchestrationRuntimeStatus[] | undefined,
    });
    const rows = instances
      .filter((instance) => name === '' || instance.name === name)
      .map((instance) => ({
        instanceId: instance.instanceId,
        name: instance.name,
        runtimeStatus: instance.runtimeStatus,
        createdTime: instance.createdTime,
        lastUpdatedTime: instance.lastUpdatedTime,
        customStatus: bounded(instance.customStatus),
      }))
      .sort((a, b) => String(b.createdTime).localeCompare(String(a.createdTime)))
      .slice(0, top);
    return { status: 200, jsonBody: { instances: rows } };
  });
}

/** GET /api/instances/{id}: one instance with its history, inputs and outputs shortened. */
export async function getInstance(id: string, client: df.DurableClient): Promise<HttpResponseInit> {
  return withErrorResponses(async () => {
    const instance = await statusWithHistory(client, id);
    if (!instance) throw new NotFoundError(`No orchestration instance with id '${id.slice(0, 80)}'.`);
    return {
      status: 200,
      jsonBody: {
        instanceId: instance.instanceId,
        name: instance.name,
        runtimeStatus: instance.runtimeStatus,
        createdTime: instance.createdTime,
        lastUpdatedTime: instance.lastUpdatedTime,
        input: bounded(instance.input),
        output: bounded(instance.output),
        customStatus: bounded(instance.customStatus),
        history: (instance.historyEvents ?? []).map(bounded),
      },
    };
  });
}

interface StatusPayload {
  instanceId: string;
  name: string;
  runtimeStatus: string;
  createdTime: string;
  lastUpdatedTime: string;
  input?: unknown;
  output?: unknown;
  customStatus?: unknown;
  historyEvents?: unknown[];
}

/**
 * The instance's status with its history, from the Durable Functions HTTP API at the URL the client
 * itself names (`statusQueryGetUri`, on Azure and on any host alike). `client.getStatus(id,
 * { showHistory: true })` asks the same endpoint, but durable-functions 3.x reads the answer's history
 * from `history` where the extension puts it in `historyEvents`, so its history is always empty.
 */
async function statusWithHistory(client: df.DurableClient, id: string): Promise<StatusPayload | undefined> {
  const url = new URL(client.createHttpManagementPayload(encodeURIComponent(id)).statusQueryGetUri);
  for (const option of ['showHistory', 'showHistoryOutput', 'showInput'])
    url.searchParams.set(option, 'true');
  const response = await fetch(url);
  if (response.status === 404) return undefined;
  if (response.status !== 200 && response.status !== 202)
    throw new Error(
      `The Durable Functions status API answered ${response.status} for instance '${id.slice(0, 80)}'.`,
    );
  const payload = (await response.json()) as StatusPayload | null;
  return payload?.instanceId ? payload : undefined;
}

function wholeNumber(
  request: HttpRequest,
  field: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const value = Number(request.query.get(field) ?? fallback);
  if (!Number.isInteger(value) || value < min || value > max)
    throw new ValidationError(`${field} must be a whole number from ${min} to ${max}.`, { field });
  return value;
}

/** The value with every long string cut to a readable length, saying how much was left out. */
function bounded(value: unknown): unknown {
  if (typeof value === 'string')
    return value.length <= maxTextLength
      ? value
      : `${value.slice(0, maxTextLength)}... (${value.length - maxTextLength} more characters)`;
  if (Array.isArray(value)) return value.map(bounded);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, bounded(inner)]));
  return value;
}
