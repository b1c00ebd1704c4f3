import type { RpcHttpData, RpcTypedData } from '../core/coreTypes';
import type { HostHttpRequest } from '../http/HttpRouter';

/** The HTTP trigger's input as the Functions host sends it to the Node worker. */
export function toRpcHttpRequest(request: HostHttpRequest, params: Record<string, string>): RpcTypedData {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const query: Record<string, string> = {};
  for (const name of new Set(request.url.searchParams.keys())) {
    query[name] = request.url.searchParams.getAll(name).join(',');
  }
  const http: RpcHttpData = {
    method: request.method,
    url: request.url.toString(),
    headers,
    query,
    params,
    body: request.body.length > 0 ? { bytes: request.body } : undefined,
  };
  return { http };
}
