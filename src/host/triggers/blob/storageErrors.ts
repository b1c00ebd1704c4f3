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
