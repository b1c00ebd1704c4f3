import type { RpcTypedData } from '../../core/coreTypes';
import type { HostServices } from '../../HostExtension';
import type { DurableRuntime } from '../DurableRuntime';
import { DurableWebhookUrls, instanceIdPlaceholder } from './DurableWebhookUrls';

export const durableSystemKeyName = 'durabletask_extension';

/**
 * The `durableClient` input binding's data, which df.getClient(context) reads: the JSON the Durable
 * extension sends to out-of-process workers. No `rpcBaseUrl`, so df's client uses these webhook URLs.
 */
export function durableClientBinding(runtime: DurableRuntime, services: HostServices): RpcTypedData {
  const urls = new DurableWebhookUrls(
    services.baseUrl(),
    runtime.hub.names.hubName,
    durableSystemKey(services),
  );
  const clientData = {
    taskHubName: runtime.hub.names.hubName,
    creationUrls: urls.creationUrls(),
    managementUrls: urls.managementPayload(instanceIdPlaceholder),
    baseUrl: urls.baseUrl,
    requiredQueryStringParameters: urls.requiredQueryStringParameters,
  };
  return { string: JSON.stringify(clientData) };
}

/** The system key that grants the Durable HTTP API (created by the host at start-up). */
export function durableSystemKey(services: HostServices): string {
  const key = services.keys.systemKey(durableSystemKeyName);
  if (!key) {
    throw new Error(
      `The system key "${durableSystemKeyName}" is missing from azure-webjobs-secrets/${services.hostId}/host.json; restart the host to create it.`,
    );
  }
  return key;
}
