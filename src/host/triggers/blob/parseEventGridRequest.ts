import { isIP } from 'node:net';
import { z } from 'zod';

/** A blob version that a `Microsoft.Storage.BlobCreated` event announces. */
export interface CreatedBlob {
  /** The storage account, from the blob's URL (path-style URLs, as Azurite's, name it first). */
  readonly account: string;
  readonly container: string;
  readonly name: string;
  /** Quoted, as blob receipts and HTTP headers carry it (events send it bare). */
  readonly etag: string;
}

/** What one POST from Event Grid asks of the webhook. */
export type EventGridRequest =
  | { readonly kind: 'validation'; readonly validationCode: string }
  | { readonly kind: 'notification'; readonly blobs: CreatedBlob[]; readonly ignored: string[] }
  | { readonly kind: 'unsubscribe' };

/** A request Event Grid would not send: answered 400, which Event Grid does not retry. */
export class EventGridRequestError extends Error {
  override name = 'EventGridRequestError';
}

export const blobCreatedEventType = 'Microsoft.Storage.BlobCreated';

// Event Grid schema (`eventType`) or CloudEvents 1.0 (`type`); both carry the storage event's `data`.
const eventSchema = z.looseObject({
  id: z.string().optional(),
  eventType: z.string().optional(),
  type: z.string().optional(),
  data: z.unknown(),
});
const blobCreatedDataSchema = z.looseObject({ url: z.url(), eTag: z.string().min(1) });
const validationDataSchema = z.looseObject({ validationCode: z.string().min(1) });

/**
 * Reads a delivery to the blobs extension's webhook as the extension does: the `aeg-event-type` header
 * says whether it is the subscription validation handshake (answered with its `validationCode`), a
 * notification (an array of events, or one CloudEvent) or an unsubscribe notice. Of a notification's
 * events only `Microsoft.Storage.BlobCreated` starts functions; the others are listed in `ignored`.
 */
export function parseEventGridRequest(eventTypeHeader: string | undefined, body: Buffer): EventGridRequest {
  const kind = eventTypeHeader?.toLowerCase();
  if (kind === 'unsubscribe') return { kind: 'unsubscribe' };
  if (kind !== 'subscriptionvalidation' && kind !== 'notification')
    throw new EventGridRequestError(
      `The aeg-event-type header is ${eventTypeHeader === undefined ? 'missing' : `"${eventTypeHeader}"`}: Event Grid sends SubscriptionValidation, Notification or Unsubscribe.`,
    );
  const events = readEvents(body);
  if (kind === 'subscriptionvalidation') {
    const first = events[0];
    const data = validationDataSchema.safeParse(
      typeof first?.data === 'string' ? parseJson(first.data) : first?.data,
    );
    if (!data.success) throw new EventGridRequestError('The validation event has no data.validationCode.');
    return { kind: 'validation', validationCode: data.data.validationCode };
  }
  const blobs: CreatedBlob[] = [];
  const ignored: string[] = [];
  events.forEach((event, index) => {
    const type = event.eventType ?? event.type ?? '';
    if (type === blobCreatedEventType) blobs.push(createdBlob(event.data, index));
    else ignored.push(`event ${event.id ?? index} (${type || 'no event type'})`);
  });
  return { kind: 'notification', blobs, ignored };
}

function readEvents(body: Buffer): z.infer<typeof eventSchema>[] {
  const parsed = parseJson(body.toString('utf8'));
  const list = Array.isArray(parsed) ? (parsed as unknown[]) : [parsed];
  return list.map((item, index) => {
    const event = eventSchema.safeParse(item);
    if (!event.success)
      throw new EventGridRequestError(`Event ${index} is not an Event Grid event (an object).`);
    return event.data;
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new EventGridRequestError('The body is not JSON: Event Grid sends a JSON array of events.');
  }
}

function createdBlob(data: unknown, index: number): CreatedBlob {
  const parsed = blobCreatedDataSchema.safeParse(data);
  if (!parsed.success) {
    const field = parsed.error.issues[0]?.path.join('.') || 'data';
    throw new EventGridRequestError(
      `Event ${index} (${blobCreatedEventType}) has no valid data.${field}: the blob's URL and ETag are required.`,
    );
  }
  const location = blobLocation(new URL(parsed.data.url));
  if (!location)
    throw new EventGridRequestError(`Event ${index}: data.url "${parsed.data.url}" names no blob.`);
  const bare = parsed.data.eTag.replace(/^"|"$/g, '');
  return { ...location, etag: `"${bare}"` };
}

/** Account, container and blob name of a blob URL, read as the storage SDKs read it. */
export function blobLocation(url: URL): Omit<CreatedBlob, 'etag'> | undefined {
  const segments = url.pathname.split('/').slice(1);
  // An IP address or localhost as the host means a path-style URL: the account comes first.
  const pathStyle = isIP(url.hostname.replace(/^\[|\]$/g, '')) !== 0 || url.hostname === 'localhost';
  const account = pathStyle ? segments.shift() : url.hostname.split('.')[0];
  const [container, ...rest] = segments;
  const name = rest.join('/');
  if (!account || !container || !name) return undefined;
  try {
    return { account: decodeURIComponent(account), container, name: decodeURIComponent(name) };
  } catch {
    return undefined; // a malformed %-escape
  }
}
