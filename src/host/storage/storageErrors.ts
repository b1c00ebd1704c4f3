/**
 * Storage SDK errors by shape: the blob and queue packages may load different copies of the core
 * pipeline, so `instanceof RestError` is not reliable across them.
 */
export function hasStatus(error: unknown, status: number): boolean {
  return (
    typeof error === 'object' && error !== null && (error as { statusCode?: unknown }).statusCode === status
  );
}

/** True when a storage error carries the service's error code, e.g. `LeaseAlreadyPresent`. */
export function hasCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}

/** The storage error code of a failed request (e.g. "QueueNotFound"), if it has one. */
export function storageErrorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { details, code } = error as { details?: { errorCode?: unknown }; code?: unknown };
  const fromDetails = details?.errorCode;
  if (typeof fromDetails === 'string') return fromDetails;
  return typeof code === 'string' ? code : undefined;
}
