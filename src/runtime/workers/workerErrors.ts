import { ConflictError, NotFoundError, TransientError, ValidationError } from '../../errors';

/** An error thrown in a worker thread, by class name, so the caller can rethrow the same kind. */
export interface WorkerError {
  readonly name: string;
  readonly message: string;
  readonly details?: Record<string, unknown>;
}

/** A thrown value as a message a worker can post. */
export function toWorkerError(error: unknown): WorkerError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const details = (error as { details?: unknown }).details;
  return {
    name: error.name,
    message: error.message,
    details:
      typeof details === 'object' && details !== null ? (details as Record<string, unknown>) : undefined,
  };
}

/** The worker's error as the class it was thrown as, so retry decisions see the same kind. */
export function reviveError(error: WorkerError): Error {
  switch (error.name) {
    case 'ValidationError':
      return new ValidationError(error.message, error.details ?? {});
    case 'ConflictError':
      return new ConflictError(error.message);
    case 'NotFoundError':
      return new NotFoundError(error.message);
    case 'TransientError':
      return new TransientError(error.message);
    default:
      return new Error(error.message);
  }
}

/** A worker thread that ended during its task (a crash, an exit): retryable, with the reason. */
export class WorkerStoppedError extends TransientError {
  override name = 'WorkerStoppedError';
  constructor(
    label: string,
    readonly reason: string,
  ) {
    super(`The ${label} stopped during its task: ${reason}`);
  }
}

/** A task that ran past its time limit; its thread was stopped. */
export class WorkerTimeoutError extends Error {
  override name = 'WorkerTimeoutError';
  constructor(
    label: string,
    readonly timeoutMs: number,
  ) {
    const limit = timeoutMs < 1000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1000)} s`;
    super(`The ${label} did not finish its task within ${limit} and was stopped.`);
  }
}
