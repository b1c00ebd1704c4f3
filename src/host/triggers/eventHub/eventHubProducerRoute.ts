import { z } from 'zod';
import type { HostHttpRequest, HostHttpResponse, HttpRouter } from '../../http/HttpRouter';
import { InvalidEventsError, type EventToSend } from '../../eventHubs/EventHubEvent';
import type { EventHubProducer } from './EventHubProducer';

/** Where producers post events; function-level auth, so host keys and the master key work. */
export const producerRouteTemplate = 'runtime/eventhubs/{hub}/events';

const eventSchema = z.strictObject({
  body: z.unknown().optional(),
  bodyBase64: z.base64().optional(),
  properties: z.record(z.string(), z.unknown()).optional(),
  partitionKey: z.string().optional(),
});
const requestSchema = z.union([eventSchema, z.array(eventSchema)]);

/**
 * `POST /runtime/eventhubs/{hub}/events`: a JSON event `{body, bodyBase64?, properties?, partitionKey?}` or
 * an array of them (any other content type is one event with the raw body); `?partitionKey=` or
 * `?partitionId=` route events without a key of their own. Answers 201 with where each event landed.
 */
export function addEventHubProducerRoute(router: HttpRouter, producer: EventHubProducer): void {
  router.add({
    methods: ['POST'],
    template: producerRouteTemplate,
    authLevel: 'function',
    handle: async (request, params) => {
      try {
        const events = parseEvents(request);
        const query = request.url.searchParams;
        const sent = await producer.send(params.hub ?? '', events, {
          ...optional('partitionKey', query.get('partitionKey')),
          ...optional('partitionId', query.get('partitionId')),
        });
        return jsonResponse(201, { hub: params.hub, events: sent });
      } catch (error) {
        if (error instanceof InvalidEventsError) return jsonResponse(400, { error: error.message });
        throw error;
      }
    },
  });
}

function parseEvents(request: HostHttpRequest): EventToSend[] {
  const contentType = String(request.headers['content-type'] ?? '').toLowerCase();
  if (!contentType.includes('json')) {
    const text = contentType.startsWith('text/') || contentType === '';
    return [{ body: text ? request.body.toString('utf8') : request.body }];
  }
  let raw: unknown;
  try {
    raw = JSON.parse(request.body.toString('utf8'));
  } catch (error) {
    throw new InvalidEventsError(`The request body is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = requestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InvalidEventsError(
      `The request body must be an event {body, bodyBase64?, properties?, partitionKey?} or an array of them: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`,
    );
  }
  const events = Array.isArray(parsed.data) ? parsed.data : [parsed.data];
  if (events.length === 0) throw new InvalidEventsError('The request holds no events.');
  return events.map(toEventToSend);
}

function toEventToSend(event: z.infer<typeof eventSchema>, index: number): EventToSend {
  if ((event.body === undefined) === (event.bodyBase64 === undefined)) {
    throw new InvalidEventsError(
      `Event ${index} needs exactly one of "body" (text or JSON) and "bodyBase64" (bytes).`,
    );
  }
  const body =
    event.bodyBase64 !== undefined
      ? Buffer.from(event.bodyBase64, 'base64')
      : typeof event.body === 'string'
        ? event.body
        : JSON.stringify(event.body);
  return {
    body,
    ...(event.properties ? { properties: event.properties } : {}),
    ...(event.partitionKey !== undefined ? { partitionKey: event.partitionKey } : {}),
  };
}

function optional<K extends string>(name: K, value: string | null): Partial<Record<K, string>> {
  return value === null ? {} : ({ [name]: value } as Record<K, string>);
}

function jsonResponse(status: number, body: unknown): HostHttpResponse {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify(body),
  };
}
