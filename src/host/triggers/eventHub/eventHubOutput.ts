import type { BindingProvider } from '../../HostExtension';
import { requiredProperty } from '../../bindings/bindingUsage';
import { toOutputMessages } from '../../bindings/toOutputMessages';
import { endpointSettings } from '../../eventHubs/endpointSettings';
import { resolveBindingTemplate } from '../../settings/resolveBindingExpressions';
import { eventHubBackend, sdkConnectionString } from './eventHubBackend';
import type { EventHubProducer } from './EventHubProducer';
import { eventHubConnection } from './eventHubSettings';
import type { SdkEventHubProducers } from './sdk/SdkEventHubProducers';

/** Where `eventHub` outputs go: the host's own log, or a namespace through the Event Hubs SDK. */
export interface EventHubSenders {
  readonly ownLog: EventHubProducer;
  readonly namespaces: SdkEventHubProducers;
}

/** The `eventHub` output: a returned value is one event, an array one event per element. */
export function eventHubOutput(senders: () => EventHubSenders): BindingProvider {
  return {
    async writeOutput(binding, data, context) {
      const usedBy = `Function '${context.fn.name}' (eventHub output "${binding.name}")`;
      const { ownLog, namespaces } = senders();
      const settings = ownLog.services.settings;
      const connection = eventHubConnection(settings, binding.connection, usedBy);
      const hub =
        connection.entityPath ??
        resolveBindingTemplate(
          requiredProperty(binding, 'eventHubName', usedBy),
          context.bindingData,
          usedBy,
        );
      const bodies = toOutputMessages(data);
      if (bodies.length === 0) return;
      if (eventHubBackend(connection, endpointSettings(settings).port) === 'sdk') {
        await namespaces.send(sdkConnectionString(connection, usedBy), hub, bodies);
      } else {
        await ownLog.send(
          hub,
          bodies.map((body) => ({ body })),
        );
      }
    },
  };
}
