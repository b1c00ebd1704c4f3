import type { AppFunction, HostServices, TriggerFactory, TriggerInvocation } from '../../HostExtension';
import { HostConfigurationError } from '../../errors';
import { InvocationFailedError } from '../../InvocationPipeline';
import { checkEventHubName, type StoredEvent } from './EventHubEvent';
import { EventHubCheckpointStore } from './EventHubCheckpointStore';
import { eventHubConnection, openEventHubLog } from './eventHubSettings';
import { PartitionPump } from './PartitionPump';
import { toBatchInvocation, toSingleInvocation, type PartitionSource } from './toEventHubInvocation';

const defaultMaxBatchSize = 100;

interface TriggerOptions {
  readonly namespace: string;
  readonly hub: string;
  readonly consumerGroup: string;
  readonly cardinality: 'one' | 'many';
  readonly binary: boolean;
  readonly maxBatchSize: number;
  readonly checkpointEveryBatches: number;
}

/**
 * Runs an `eventHubTrigger` function on the local event log: one pump per partition, partitions in
 * parallel, each in order; checkpoints in AzureWebJobsStorage where the extension keeps them.
 */
export const eventHubTrigger: TriggerFactory = (fn, services) => {
  const options = readOptions(fn, services);
  const stopping = new AbortController();
  let pumps: Promise<void>[] = [];
  let partitionCount = 0;
  return {
    async start() {
      const log = await openEventHubLog(services, options.hub);
      const checkpoints = new EventHubCheckpointStore(services.hostStorage.blobs, options);
      await checkpoints.ensureContainer();
      partitionCount = log.partitionCount;
      pumps = log.partitionIds().map((partitionId) => {
        const source: PartitionSource = { ...options, partitionId };
        const pump = new PartitionPump({
          partitionId,
          log,
          checkpoints,
          maxBatchSize: options.maxBatchSize,
          checkpointEveryBatches: options.checkpointEveryBatches,
          process: (events) => runFunction(fn, services, events, source, options),
          hostLog: services.log,
          label: `Function '${fn.name}' (event hub '${options.hub}', partition ${partitionId})`,
        });
        return pump.run(stopping.signal);
      });
    },
    async stop() {
      stopping.abort();
      await Promise.all(pumps);
    },
    describe: () =>
      `eventHubTrigger: ${options.hub} (consumer group ${options.consumerGroup}, ${partitionCount} partitions, cardinality ${options.cardinality})`,
  };
};

async function runFunction(
  fn: AppFunction,
  services: HostServices,
  events: StoredEvent[],
  source: PartitionSource,
  options: TriggerOptions,
): Promise<void> {
  const invocations: TriggerInvocation[] =
    options.cardinality === 'many'
      ? [toBatchInvocation(events, source, options.binary)]
      : events.map((event) => toSingleInvocation(event, source, options.binary));
  for (const invocation of invocations) {
    try {
      await services.invoke(fn, invocation);
    } catch (error) {
      // The invocation logged the failure; the checkpoint moves on anyway, as on Azure.
      if (!(error instanceof InvocationFailedError)) throw error;
    }
  }
}

function readOptions(fn: AppFunction, services: HostServices): TriggerOptions {
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
    namespace: connection.namespace,
    hub,
    consumerGroup:
      typeof binding.consumerGroup === 'string' && binding.consumerGroup ? binding.consumerGroup : '$Default',
    cardinality,
    binary: binding.dataType?.toLowerCase() === 'binary',
    maxBatchSize: eventHubs?.maxEventBatchSize ?? defaultMaxBatchSize,
    checkpointEveryBatches: eventHubs?.batchCheckpointFrequency ?? 1,
  };
}
