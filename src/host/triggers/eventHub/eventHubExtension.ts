import type { AppFunction, HostExtension, HostServices } from '../../HostExtension';
import { HostSystemError } from '../../errors';
import { EventHubsEndpoint } from '../../eventHubs/amqp/EventHubsEndpoint';
import { endpointConnectionString, endpointSettings, howToAddHub } from '../../eventHubs/endpointSettings';
import { HubDirectory } from '../../eventHubs/HubDirectory';
import { eventHubBackend, sdkConnectionString } from './eventHubBackend';
import { eventHubOutput, type EventHubSenders } from './eventHubOutput';
import { EventHubProducer } from './EventHubProducer';
import { addEventHubProducerRoute } from './eventHubProducerRoute';
import { eventHubConnection, openEventHubLog } from './eventHubSettings';
import { eventHubTrigger } from './eventHubTrigger';
import { SdkEventHubProducers } from './sdk/SdkEventHubProducers';

const retentionIntervalMs = 5 * 60_000;

/**
 * Event Hubs on the host's own durable logs (see docs/event-hubs-local.md): the `eventHubTrigger` kind,
 * the `eventHub` output, the producer route `POST /runtime/eventhubs/{hub}/events`, and an AMQP endpoint
 * the Event Hubs SDKs talk to, started when a function uses Event Hubs or when asked. Bindings whose
 * connection names an Event Hubs namespace use it through the Event Hubs SDK instead (eventHubBackend).
 */
export function createEventHubExtension(): HostExtension {
  let senders: EventHubSenders | undefined;
  let endpoint: EventHubsEndpoint | undefined;
  let retention: NodeJS.Timeout | undefined;
  const currentSenders = () => {
    if (!senders)
      throw new HostSystemError('An eventHub output was written before the Event Hubs extension started.');
    return senders;
  };
  return {
    name: 'eventHubs',
    triggers: { eventHubTrigger },
    bindings: { eventHub: eventHubOutput(currentSenders) },
    async start(services: HostServices, functions: readonly AppFunction[]) {
      checkOutputConnections(services, functions);
      const producer = new EventHubProducer(services);
      senders = { ownLog: producer, namespaces: new SdkEventHubProducers() };
      addEventHubProducerRoute(services.http, producer);
      // Whole segments expire, so an occasional pass is enough; it must not keep the host alive.
      retention = setInterval(() => void producer.enforceRetention(), retentionIntervalMs).unref();
      const settings = endpointSettings(services.settings);
      const appHubs = hubsOfFunctions(services, functions);
      if (!settings.enabled && appHubs.length === 0) return;
      const hubs = uniqueHubs([...appHubs, ...settings.hubs]);
      endpoint = await EventHubsEndpoint.start({
        port: settings.port,
        keys: [settings.key],
        hubs: new HubDirectory({ hubs, openLog: (hub) => openEventHubLog(services, hub), howToAddHub }),
        log: services.log,
      });
      services.log.info(
        `Event Hubs (AMQP) on 127.0.0.1:${endpoint.port} for ${hubs.length ? hubs.map((hub) => `'${hub}'`).join(', ') : 'no hubs yet'}: ${endpointConnectionString(endpoint.port, settings.key, { showKey: false })}`,
      );
    },
    async stop() {
      clearInterval(retention);
      await endpoint?.stop();
      endpoint = undefined;
      await senders?.namespaces.close();
    },
  };
}

/**
 * The hubs of the own log that the app's Event Hub triggers and outputs name (an EntityPath in the
 * connection wins, as on Azure); hubs of namespaces the SDK connects to are not the endpoint's.
 */
function hubsOfFunctions(services: HostServices, functions: readonly AppFunction[]): string[] {
  const ownPort = endpointSettings(services.settings).port;
  const hubs: string[] = [];
  for (const fn of functions) {
    for (const binding of [fn.trigger, ...fn.outputs]) {
      const type = binding.type.toLowerCase();
      if (type !== 'eventhubtrigger' && type !== 'eventhub') continue;
      const connection = eventHubConnection(services.settings, binding.connection, `Function '${fn.name}'`);
      if (eventHubBackend(connection, ownPort) === 'sdk') continue;
      const name = connection.entityPath ?? binding.eventHubName;
      // A name with {expressions} is only known per invocation; the HTTP route and outputs still reach it.
      if (typeof name === 'string' && name && !name.includes('{')) hubs.push(name);
    }
  }
  return hubs;
}

function uniqueHubs(hubs: string[]): string[] {
  const seen = new Map<string, string>();
  for (const hub of hubs) if (!seen.has(hub.toLowerCase())) seen.set(hub.toLowerCase(), hub);
  return [...seen.values()];
}

// A missing or unusable connection setting stops the Functions host at start-up, not at the first write.
function checkOutputConnections(services: HostServices, functions: readonly AppFunction[]): void {
  const ownPort = endpointSettings(services.settings).port;
  for (const fn of functions) {
    for (const binding of fn.outputs) {
      if (binding.type.toLowerCase() !== 'eventhub') continue;
      const usedBy = `Function '${fn.name}' (eventHub output "${binding.name}")`;
      const connection = eventHubConnection(services.settings, binding.connection, usedBy);
      if (eventHubBackend(connection, ownPort) === 'sdk') sdkConnectionString(connection, usedBy);
    }
  }
}
