import type { HostHttpResponse } from '../../http/HttpRouter';

/** A JSON response with the content type ASP.NET writes. */
export function jsonResponse(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): HostHttpResponse {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(body),
  };
}

/** An error response whose body says what went wrong: `{ "message": ... }`. */
export function errorResponse(status: number, message: string): HostHttpResponse {
  return jsonResponse(status, { message });
}
