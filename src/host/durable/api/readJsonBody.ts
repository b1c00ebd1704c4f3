import type { HostHttpRequest } from '../../http/HttpRouter';
import { DurableClientError } from '../TaskHubClient';

/** The request body as JSON text, or undefined when empty; 400 naming `what` when it is not JSON. */
export function readJsonBody(request: HostHttpRequest, what: string): string | undefined {
  const text = request.body.toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    JSON.parse(text);
  } catch (error) {
    throw new DurableClientError(400, `Invalid JSON content in ${what}: ${(error as Error).message}`);
  }
  return text;
}
