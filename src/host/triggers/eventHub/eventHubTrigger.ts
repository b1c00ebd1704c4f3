import type { EventPosition } from '@azure/event-hubs';
import type { AppFunction, HostServices, TriggerFactory, TriggerListener } from '../../HostExtension';
import { EventHubCheckpointStore } from './EventHubCheckpointStore';
import type { EventHubLog } from '../../eventHubs/EventHubLog';
import { openEventHubLog } from './eventHubSettings';
import { readTriggerOptions, type EventHubTriggerOptions } from './eventHubTriggerOptions';
import { PartitionPump } from './PartitionPump';
import { runEventHubFunction } from './runEventHubFunction';
import { SdkEventHubListener } from './sdk/SdkEventHubListener';
import type { PartitionSource } from './toEventHubInvocation';

/**
 * Runs an `eventHubTrigger` function: on the host's own event log, or, when its connection names an
 * Event Hubs namespace (eventHubBackend), on that namespace through the Event Hubs SDK.
 */
export const eventHubTrigger: TriggerFactory = (fn, services) => {
  const options = readTriggerOptions(fn, services);
  return options.backend === 'sdk'
    ? new SdkEventHubListener(fn, services, options)
    : ownLogListener(fn, services, options);
};

/**
 * One pump per partition of the local log, partitions in parallel, each in order; checkpoints in
 * AzureWebJobsStorage where the extension keeps them.
 */
function ownLogListener(
  fn: AppFunction,
  services: HostServices,
  options: EventHubTriggerOptions,
): TriggerListener {
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
          initialSequenceNumber: () => initialSequenceNumber(log, partitionId, options.initialPosition),
          process: (events) => runEventHubFunction(fn, services, events, source, options),
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
}

/** The first sequence number a partition without a checkpoint reads, as the SDK would start at the position. */
async function initialSequenceNumber(
  log: EventHubLog,
  partitionId: string,
  position: EventPosition,
): Promise<number> {
  if (position.enqueuedOn !== undefined)
    return log.firstSequenceNumber(partitionId, { enqueuedAfter: new Date(position.enqueuedOn) });
  const info = await log.partitionInfo(partitionId);
  return position.offset === '@latest' ? info.lastEnqueuedSequenceNumber + 1 : info.beginningSequenceNumber;
}
