/** A fault of the host or its configuration, not of the app's code (like the worker's system errors). */
export class HostSystemError extends Error {
  readonly isAzureFunctionsSystemError = true;
  override name = 'HostSystemError';
}

/** A problem in the app's configuration that stops the host from starting; the message says how to fix it. */
export class HostConfigurationError extends Error {
  override name = 'HostConfigurationError';
}

export function toError(value: unknown): Error {
  return value instanceof Error
    ? value
    : new Error(typeof value === 'string' ? value : JSON.stringify(value));
}

/**
 * An error's message, or when it has none (a storage request answered with an empty body), what is
 * known instead: its name, HTTP status, error code, request id and cause.
 */
export function describeError(value: unknown): string {
  const error = toError(value);
  if (error.message.trim() !== '') return error.message;
  const { statusCode, code, response, cause } = error as Error & {
    statusCode?: unknown;
    code?: unknown;
    response?: { bodyAsText?: unknown; headers?: { get?(name: string): string | undefined } };
    cause?: unknown;
  };
  const facts: string[] = [];
  if (typeof statusCode === 'number') facts.push(`HTTP ${statusCode}`);
  if (typeof code === 'string' && code !== '') facts.push(`code ${code}`);
  const body = response?.bodyAsText;
  if (typeof statusCode === 'number' && (body === undefined || body === null || body === '')) {
    facts.push('empty response body');
  }
  // The service's own id for the request, which its logs (Azurite's --debug log) are keyed by.
  const requestId = response?.headers?.get?.('x-ms-request-id');
  if (typeof requestId === 'string') facts.push(`request id ${requestId}`);
  if (cause !== undefined) facts.push(`cause: ${describeError(cause)}`);
  return `${error.name} with no message${facts.length > 0 ? ` (${facts.join(', ')})` : ''}`;
}
