import { setTimeout as delay } from 'node:timers/promises';
import type { HostHttpRequest, HostHttpResponse } from '../../http/HttpRouter';
import { isTerminal } from '../taskHub/RuntimeStatus';
import { DurableClientError } from '../TaskHubClient';
import type { DurableApiContext } from './DurableApiContext';
import { instanceStatusResponse } from './instanceStatusResponse';
import { jsonResponse } from './jsonResponse';
import { parseStoredJson } from './parseStoredJson';

/** 202 with the instance's management links, Location = its status URL, and Retry-After: 10. */
export function checkStatusResponse(
  context: DurableApiContext,
  request: HostHttpRequest,
  instanceId: string,
): HostHttpResponse {
  const payload = context.urls(request).managementPayload(instanceId);
  return jsonResponse(202, payload, { location: payload.statusQueryGetUri, 'retry-after': '10' });
}

/**
 * With `timeout` and `pollingInterval` (seconds) in the query, polls until the instance finishes: 200 with
 * its output when it completed, its status when it failed or was terminated, else the 202 check-status
 * response. Without them, answers 202 at once.
 */
export async function waitForCompletionOrCheckStatus(
  context: DurableApiContext,
  request: HostHttpRequest,
  instanceId: string,
): Promise<HostHttpResponse> {
  const timeoutMs = secondsParam(request, 'timeout');
  const intervalMs = secondsParam(request, 'pollingInterval');
  if (timeoutMs === undefined || intervalMs === undefined)
    return checkStatusResponse(context, request, instanceId);
  if (intervalMs > timeoutMs) {
    throw new DurableClientError(
      400,
      `pollingInterval (${intervalMs / 1000} s) must not exceed timeout (${timeoutMs / 1000} s).`,
    );
  }
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await context.client.getStatus(instanceId);
    if (status?.runtimeStatus === 'Completed') return jsonResponse(200, parseStoredJson(status.output));
    if (status && isTerminal(status.runtimeStatus)) return instanceStatusResponse(request, status);
    const remaining = deadline - Date.now();
    if (remaining <= 0) return checkStatusResponse(context, request, instanceId);
    await delay(Math.min(intervalMs, remaining));
  }
}

function secondsParam(request: HostHttpRequest, name: string): number | undefined {
  const value = request.url.searchParams.get(name);
  if (value === null || value === '') return undefined;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new DurableClientError(400, `Query parameter ${name}=${value} must be a number of seconds.`);
  }
  return seconds * 1000;
}
