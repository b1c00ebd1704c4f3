import type { AppFunction, HostExtension, HostServices } from '../../HostExtension';
import { HostSystemError } from '../../errors';
import { eventHubOutput } from './eventHubOutput';
import { EventHubProducer } from './EventHubProducer';
import { addEventHubProducerRoute } from './eventHubProducerRoute';
import { eventHubConnection } from './eventHubSettings';
import { eventHubTrigger } from './eventHubTrigger';

const retentionIntervalMs = 5 * 60_000;

/**
 * Event Hubs on a local stand-in kept in Azure Storage (see docs/event-hubs-local.md): the
 * `eventHubTrigger` kind, the `eventHub` output and the producer endpoint `POST /runtime/eventhubs/{hub}/events`.
 */
export function createEventHubExtension(): HostExtension {
  let producer: EventHubProducer | undefined;
  let retention: NodeJS.Timeout | undefined;
  const currentProducer = () => {
    if (!producer)
      throw new HostSystemError('An eventHub output was written before the Event Hubs extension started.');
    return producer;
  };
  return {
    name: 'eventHubs',
    triggers: { eventHubTrigger },
    bindings: { eventHub: eventHubOutput(currentProducer) },
    start(services: HostServices, functions: readonly AppFunction[]) {
      checkOutputConnections(services, functions);
      const started = new EventHubProducer(services);
      producer = started;
      addEventHubProducerRoute(services.http, started);
      // Whole segments expire, so an occasional pass is enough; it must not keep the host alive.
      retention = setInterval(() => void started.enforceRetention(), retentionIntervalMs).unref();
      return Promise.resolve();
    },
    stop() {
      clearInterval(retention);
      return Promise.resolve();
    },
  };
}

// A missing connection setting stops the Functions host at start-up, not at the first write.
function checkOutputConnections(services: HostServices, functions: readonly AppFunction[]): void {
  for (const fn of functions) {
    for (const binding of fn.outputs) {
      if (binding.type.toLowerCase() !== 'eventhub') continue;
      eventHubConnection(
        services.settings,
        binding.connection,
        `Function '${fn.name}' (eventHub output "${binding.name}")`,
      );
    }
  }
}
