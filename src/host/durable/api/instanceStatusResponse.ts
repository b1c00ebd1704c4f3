import type { HostHttpRequest, HostHttpResponse } from '../../http/HttpRouter';
import type { InstanceStatus } from '../TaskHubClient';
import { jsonResponse } from './jsonResponse';
import { booleanParam } from './parseInstanceQuery';
import { toStatusPayload } from './toStatusPayload';

const inProgress = new Set(['Pending', 'Running', 'ContinuedAsNew', 'Suspended']);

/**
 * GET instances/{id}'s answer: 202 with Location (the same URL) and Retry-After while the instance is in
 * progress, 200 once it finished, 500 for a failed one only with `returnInternalServerErrorOnFailure=true`.
 */
export function instanceStatusResponse(request: HostHttpRequest, status: InstanceStatus): HostHttpResponse {
  const params = request.url.searchParams;
  const payload = toStatusPayload(status, {
    showInput: booleanParam(params, 'showInput', true),
    showHistoryOutput: booleanParam(params, 'showHistoryOutput', false),
  });
  if (inProgress.has(status.runtimeStatus)) {
    // Ask for 5 seconds between polls, as the extension does, so clients do not poll in a tight loop.
    return jsonResponse(202, payload, { location: request.url.href, 'retry-after': '5' });
  }
  const failedAs500 =
    status.runtimeStatus === 'Failed' && booleanParam(params, 'returnInternalServerErrorOnFailure', false);
  return jsonResponse(failedAs500 ? 500 : 200, payload);
}
