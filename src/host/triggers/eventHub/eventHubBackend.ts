import { HostConfigurationError } from '../../errors';
import { defaultEventHubsPort } from '../../eventHubs/endpointSettings';
import type { EventHubConnection } from './eventHubSettings';

/** What serves a binding: the host's own event log, or an Event Hubs namespace through the Event Hubs SDK. */
export type EventHubBackend = 'ownLog' | 'sdk';

const loopbackHosts = new Set(['localhost', '127.0.0.1']);

/**
 * Picks the backend of a binding from its connection (the table in docs/event-hubs-local.md). The own log
 * serves a connection that names no endpoint, a local one that is not an emulator's (the placeholder
 * `Endpoint=sb://localhost/;...` apps have always used), and the emulator connection string of the host's
 * own endpoint (`ownPort`, from DurableScoring__EventHubs__Port). Anything else is a namespace the SDK
 * connects to: one on Azure, or another emulator.
 */
export function eventHubBackend(connection: EventHubConnection, ownPort: number): EventHubBackend {
  const { endpoint } = connection;
  if (!endpoint) return 'ownLog';
  const local = loopbackHosts.has(endpoint.host);
  if (!connection.useDevelopmentEmulator) return local ? 'ownLog' : 'sdk';
  // The SDKs speak plain AMQP to an emulator, on 5672 unless the endpoint names a port.
  return local && (endpoint.port ?? defaultEventHubsPort) === ownPort ? 'ownLog' : 'sdk';
}

/**
 * The connection string the SDK connects with. Identity connections (`<name>__fullyQualifiedNamespace`,
 * DefaultAzureCredential on Azure) need @azure/identity, which the host does not depend on yet.
 */
export function sdkConnectionString(connection: EventHubConnection, usedBy: string): string {
  if (connection.connectionString) return connection.connectionString;
  throw new HostConfigurationError(
    `${usedBy}: "${connection.setting}" names the namespace ${connection.namespace}, but the embedded host connects to Event Hubs namespaces with connection strings only (identity connections are not supported yet). Put the namespace's connection string in "${connection.setting.replace(/__fullyQualifiedNamespace$/i, '')}", or set "${connection.setting}" to localhost to use the host's own event log.`,
  );
}
