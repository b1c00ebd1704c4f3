import type { RpcHttpCookie, RpcTypedData } from '../core/coreTypes';
import type { HostHttpResponse } from '../http/HttpRouter';
import { rpcDataToBuffer } from './rpcTypedData';

/** The worker's HTTP output as an HTTP response; no output at all is a 204, as on Azure. */
export function fromRpcHttpResponse(data: RpcTypedData | null | undefined): HostHttpResponse {
  const http = data?.http;
  if (!http) {
    // A plain value returned to an HTTP output becomes a 200 with that body.
    return data ? { status: 200, body: rpcDataToBuffer(data) } : { status: 204 };
  }
  const headers: Record<string, string | string[]> = { ...(http.headers ?? {}) };
  const cookies = (http.cookies ?? []).map(toSetCookie);
  if (cookies.length > 0) headers['set-cookie'] = cookies;
  const status = http.statusCode ? Number(http.statusCode) : 200;
  return {
    status: Number.isInteger(status) ? status : 500,
    headers,
    body: http.body ? rpcDataToBuffer(http.body) : undefined,
  };
}

const sameSiteNames: Record<string, string | undefined> = {
  lax: 'Lax',
  strict: 'Strict',
  explicitNone: 'None',
};

function toSetCookie(cookie: RpcHttpCookie): string {
  const parts = [`${cookie.name ?? ''}=${cookie.value ?? ''}`];
  if (cookie.domain?.value) parts.push(`Domain=${cookie.domain.value}`);
  if (cookie.path?.value) parts.push(`Path=${cookie.path.value}`);
  const seconds = cookie.expires?.value?.seconds;
  if (typeof seconds === 'number') parts.push(`Expires=${new Date(seconds * 1000).toUTCString()}`);
  if (typeof cookie.maxAge?.value === 'number') parts.push(`Max-Age=${cookie.maxAge.value}`);
  if (cookie.secure?.value) parts.push('Secure');
  if (cookie.httpOnly?.value) parts.push('HttpOnly');
  const sameSite = sameSiteNames[cookie.sameSite ?? 'none'];
  if (sameSite) parts.push(`SameSite=${sameSite}`);
  return parts.join('; ');
}
