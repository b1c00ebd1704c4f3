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
