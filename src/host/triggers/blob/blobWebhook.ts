import type { HostLogger } from '../../logging/HostLogger';
import type { HostHttpRequest, HostHttpResponse, HttpRouter } from '../../http/HttpRouter';
import { EventGridRequestError, parseEventGridRequest, type CreatedBlob } from './parseEventGridRequest';
import { shownName } from './unlistableCharacter';

/** The blobs extension's webhook, where Event Grid delivers events for `source: 'EventGrid'` triggers. */
export const blobWebhookPath = 'runtime/webhooks/blobs';

/** The system key (azure-webjobs-secrets) the webhook accepts, as on Azure. */
export const blobsSystemKeyName = 'blobs_extension';

/** An Event Grid blob trigger as the webhook sees it: its account, and where its events go. */
export interface BlobEventTarget {
  readonly functionName: string;
  /** The storage account the trigger's connection names; undefined when it cannot be told. */
  readonly account: string | undefined;
  /** Queues the blob, or says why it was not (another container, a name off the path, stopping). */
  receive(blob: CreatedBlob): string | undefined;
}

const json = (status: number, body: unknown): HostHttpResponse => ({
  status,
  headers: { 'content-type': 'application/json; charset=utf-8' },
  body: JSON.stringify(body),
});

/**
 * `POST /runtime/webhooks/blobs?functionName=Host.Functions.<name>` with the `blobs_extension` system
 * key (or the master key): answers Event Grid's validation handshake, and hands the blobs of
 * `Microsoft.Storage.BlobCreated` events to that function's trigger, answering 202 once they are queued.
 * `targets` maps lower-case function names to the app's Event Grid blob triggers.
 */
export function addBlobWebhook(
  router: HttpRouter,
  targets: ReadonlyMap<string, BlobEventTarget>,
  log: HostLogger,
): void {
  router.add({
    methods: ['POST'],
    template: blobWebhookPath,
    authLevel: 'system',
    systemKeyName: blobsSystemKeyName,
    handle: (request) => Promise.resolve(handle(request, targets, log)),
  });
}

function handle(
  request: HostHttpRequest,
  targets: ReadonlyMap<string, BlobEventTarget>,
  log: HostLogger,
): HostHttpResponse {
  const functionId = request.url.searchParams.get('functionName') ?? '';
  const name = /^Host\.Functions\.(.+)$/i.exec(functionId)?.[1] ?? '';
  const target = targets.get(name.toLowerCase());
  if (!target) {
    const known = [...targets.values()].map((each) => `Host.Functions.${each.functionName}`).join(', ');
    // Stricter than Azure, which takes the events and drops them later: a wrong subscription shows at once.
    return json(404, {
      error: `functionName=${functionId || '(missing)'} names no blob trigger with source EventGrid here (known: ${known || 'none'}).`,
    });
  }
  let parsed;
  try {
    parsed = parseEventGridRequest(headerValue(request.headers['aeg-event-type']), request.body);
  } catch (error) {
    if (!(error instanceof EventGridRequestError)) throw error;
    log.warn(`POST /${blobWebhookPath} for ${functionId}: 400, ${error.message}`);
    return json(400, { error: error.message });
  }
  if (parsed.kind === 'validation') {
    log.info(`Event Grid subscription validated for ${functionId}.`);
    return json(200, { validationResponse: parsed.validationCode });
  }
  if (parsed.kind === 'unsubscribe') return { status: 202 };
  for (const event of parsed.ignored)
    log.info(`${functionId}: ignored ${event}: only BlobCreated starts it.`);
  for (const blob of parsed.blobs) {
    const reason =
      target.account && blob.account.toLowerCase() !== target.account.toLowerCase()
        ? `blob '${blob.container}/${shownName(blob.name)}' is in the account '${blob.account}', not '${target.account}'`
        : target.receive(blob);
    if (reason) log.info(`${functionId}: ignored an Event Grid event: ${reason}.`);
  }
  return { status: 202 };
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
