import type { HttpResponseInit } from '@azure/functions';
import { httpStatusOf, ValidationError } from '../errors';

/**
 * Runs an HTTP handler's action and answers the errors a caller can act on (bad input 400 naming the
 * field, 404, 409, 503) as JSON `{ error, field }`; anything else is rethrown for the host's 500.
 */
export async function withErrorResponses(action: () => Promise<HttpResponseInit>): Promise<HttpResponseInit> {
  try {
    return await action();
  } catch (error) {
    const status = httpStatusOf(error);
    if (status === 500) throw error;
    const field = error instanceof ValidationError ? error.details.field : undefined;
    return { status, jsonBody: { error: (error as Error).message, field } };
  }
}
