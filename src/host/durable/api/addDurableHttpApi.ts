import type { HostServices } from '../../HostExtension';
import type { HostHttpRequest, HostHttpResponse, HttpRouter } from '../../http/HttpRouter';
import type { DurableRuntime } from '../DurableRuntime';
import { DurableClientError } from '../TaskHubClient';
import type { DurableApiContext, DurableRoute } from './DurableApiContext';
import { durableSystemKey, durableSystemKeyName } from './durableClientBinding';
import { DurableWebhookUrls, durableWebhookPath } from './DurableWebhookUrls';
import { entityRoutes } from './entityRoutes';
import { instanceOperationRoutes } from './instanceOperationRoutes';
import { instanceQueryRoutes } from './instanceQueryRoutes';
import { errorResponse } from './jsonResponse';
import { orchestratorRoutes } from './orchestratorRoutes';

/**
 * The Durable HTTP API under /runtime/webhooks/durabletask/, as the extension serves it: start, status,
 * query, raise event, terminate, suspend, resume, restart and purge, and entities' signal, read and list.
 * The `durabletask_extension` system key (or the master key) is required. Rewind answers 501.
 */
export function addDurableHttpApi(router: HttpRouter, runtime: DurableRuntime, services: HostServices): void {
  const hubName = runtime.hub.names.hubName;
  const context: DurableApiContext = {
    client: runtime.client,
    entities: runtime.entities,
    hubName,
    urls: (request) => new DurableWebhookUrls(request.url.origin, hubName, durableSystemKey(services)),
  };
  const routes = [
    ...orchestratorRoutes(context),
    ...instanceQueryRoutes(context),
    ...instanceOperationRoutes(context),
    ...entityRoutes(context),
  ];
  for (const route of routes) {
    router.add({
      methods: route.methods,
      template: `${durableWebhookPath}/${route.path}`,
      authLevel: 'system',
      systemKeyName: durableSystemKeyName,
      handle: (request, params) => handleSafely(route, request, params, hubName, services),
    });
  }
}

/** Runs a handler; client errors become their status, anything else a 500 whose details go to the log only. */
async function handleSafely(
  route: DurableRoute,
  request: HostHttpRequest,
  params: Record<string, string>,
  hubName: string,
  services: HostServices,
): Promise<HostHttpResponse> {
  try {
    requireOwnTaskHub(request, hubName);
    return await route.handle(request, params);
  } catch (error) {
    if (error instanceof DurableClientError) return errorResponse(error.status, error.message);
    const details = error instanceof Error ? (error.stack ?? error.message) : String(error);
    services.log.error(`Durable HTTP API ${request.method} ${request.url.pathname} failed: ${details}`);
    return errorResponse(
      500,
      `Something went wrong while processing ${request.method} ${request.url.pathname}; the host's log has the details.`,
    );
  }
}

/** The extension can address other task hubs through `taskHub=`; this host serves its own only. */
function requireOwnTaskHub(request: HostHttpRequest, hubName: string): void {
  const requested = request.url.searchParams.get('taskHub');
  if (requested && requested.toLowerCase() !== hubName.toLowerCase()) {
    throw new DurableClientError(
      501,
      `taskHub=${requested} is not served here: the embedded host serves only its own task hub "${hubName}" (host.json extensions.durableTask.hubName).`,
    );
  }
}
