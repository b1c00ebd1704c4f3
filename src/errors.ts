/**
 * Errors that say how to handle them. ValidationError: bad input, never retried, reported to the user
 * with the file/row/field. TransientError: retry with backoff. NotFoundError and ConflictError map to
 * 404 and 409. `httpStatusOf` maps them in one place.
 */
export class ValidationError extends Error {
  override name = 'ValidationError';
  constructor(
    message: string,
    readonly details: { field?: string; row?: number; file?: string } = {},
  ) {
    super(message);
  }
}

export class TransientError extends Error {
  override name = 'TransientError';
}

export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

export class ConflictError extends Error {
  override name = 'ConflictError';
}

export function httpStatusOf(error: unknown): number {
  if (error instanceof ValidationError) return 400;
  if (error instanceof NotFoundError) return 404;
  if (error instanceof ConflictError) return 409;
  if (error instanceof TransientError) return 503;
  return 500;
}
