import type { BindingProvider } from '../../HostExtension';
import { requiredProperty } from '../../bindings/bindingUsage';
import { toOutputMessages } from '../../bindings/toOutputMessages';
import { resolveBindingTemplate } from '../../settings/resolveBindingExpressions';
import type { EventHubProducer } from './EventHubProducer';
import { eventHubConnection } from './eventHubSettings';

/** The `eventHub` output: a returned value is one event, an array one event per element. */
export function eventHubOutput(producer: () => EventHubProducer): BindingProvider {
  return {
    async writeOutput(binding, data, context) {
      const usedBy = `Function '${context.fn.name}' (eventHub output "${binding.name}")`;
      const sender = producer();
      const connection = eventHubConnection(sender.services.settings, binding.connection, usedBy);
      const hub =
        connection.entityPath ??
        resolveBindingTemplate(
          requiredProperty(binding, 'eventHubName', usedBy),
          context.bindingData,
          usedBy,
        );
      const events = toOutputMessages(data).map((body) => ({ body }));
      if (events.length > 0) await sender.send(hub, events);
    },
  };
}
