import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { ValidationError } from '../errors';
import { withErrorResponses } from '../http/withErrorResponses';
import { parseStreamDefinition } from './StreamDefinition';
import type { StreamingServices } from './StreamingServices';
import { resolveModel } from './streamsHttp';

/**
 * POST /api/streams/validate: checks a stream definition (the body) as the app checks `streams/*.json`,
 * plus its output container against the containers the app may write. 400 names the field; 200 returns
 * the definition with its defaults and what its model reference resolves to now.
 */
export async function validateStream(
  request: HttpRequest,
  services: StreamingServices,
): Promise<HttpResponseInit> {
  return withErrorResponses(async () => {
    const body: unknown = await request.json().catch(() => {
      throw new ValidationError('The request body must be a JSON stream definition.', { field: '(body)' });
    });
    const definition = parseStreamDefinition(body, 'in the request body');
    services.containers.checkWrite(
      definition.outputs.container ?? services.outputContainer,
      'outputs.container',
    );
    return {
      status: 200,
      jsonBody: { valid: true, definition, model: await resolveModel(definition, services) },
    };
  });
}
