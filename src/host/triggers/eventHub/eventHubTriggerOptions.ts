import type { EventPosition } from '@azure/event-hubs';
import type { AppFunction, HostServices } from '../../HostExtension';
import { HostConfigurationError } from '../../errors';
import { endpointSettings } from '../../eventHubs/endpointSettings';
import { checkEventHubName } from '../../eventHubs/EventHubEvent';
import { eventHubBackend, type EventHubBackend } from './eventHubBackend';
import { eventHubConnection, type EventHubConnection } from './eventHubSettings';
import { initialEventPosition } from './initialEventPosition';

const defaultMaxBatchSize = 100;

/** An `eventHubTrigger` binding as both backends run it. */
export interface EventHubTriggerOptions {
  readonly connection: EventHubConnection;
  readonly backend: EventHubBackend;
  readonly namespace: string;
  readonly hub: string;
  readonly consumerGroup: string;
  readonly cardinality: 'one' | 'many';
  readonly binary: boolean;
  readonly maxBatchSize: number;
  readonly checkpointEveryBatches: number;
  /** Where a partition without a checkpoint starts (host.json `initialOffsetOptions`). */
  readonly initialPosition: EventPosition;
}

/** Reads the trigger's binding and host.json; a bad value stops the host with an error naming it. */
export function readTriggerOptions(fn: AppFunction, services: HostServices): EventHubTriggerOptions {
  const binding = fn.trigger;
  const usedBy = `Function '${fn.name}' (eventHubTrigger)`;
  const connection = eventHubConnection(services.settings, binding.connection, usedBy);
  const hub = connection.entityPath ?? (typeof binding.eventHubName === 'string' ? binding.eventHubName : '');
  if (hub === '') throw new HostConfigurationError(`${usedBy} has no eventHubName.`);
  try {
    checkEventHubName(hub, usedBy);
  } catch (error) {
    throw new HostConfigurationError((error as Error).message);
  }
  // A missing cardinality means one event per invocation, as in the Functions host (GeneralScriptBindingProvider).
  const cardinality = typeof binding.cardinality === 'string' ? binding.cardinality.toLowerCase() : 'one';
  if (cardinality !== 'one' && cardinality !== 'many') {
    throw new HostConfigurationError(`${usedBy}: cardinality "${cardinality}" is neither "one" nor "many".`);
  }
  const eventHubs = services.app.hostJson.extensions?.eventHubs;
  return {
    connection,
    backend: eventHubBackend(connection, endpointSettings(services.settings).port),
    namespace: connection.namespace,
    hub,
    consumerGroup:
      typeof binding.consumerGroup === 'string' && binding.consumerGroup ? binding.consumerGroup : '$Default',
    cardinality,
    binary: binding.dataType?.toLowerCase() === 'binary',
    maxBatchSize: eventHubs?.maxEventBatchSize ?? defaultMaxBatchSize,
    checkpointEveryBatches: eventHubs?.batchCheckpointFrequency ?? 1,
    initialPosition: initialEventPosition(eventHubs),
  };
}
