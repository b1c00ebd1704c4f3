import {
  EventHubConsumerClient,
  type EventPosition,
  type LoadBalancingOptions,
  type PartitionContext,
  type ReceivedEventData,
  type Subscription,
} from '@azure/event-hubs';
import { BlobCheckpointStore } from '@azure/eventhubs-checkpointstore-blob';
import type { AppFunction, HostServices, TriggerListener } from '../../../HostExtension';
import { describeError, HostConfigurationError } from '../../../errors';
import { checkpointContainer } from '../EventHubCheckpointStore';
import { sdkConnectionString } from '../eventHubBackend';
import type { EventHubTriggerOptions } from '../eventHubTriggerOptions';
import { runEventHubFunction } from '../runEventHubFunction';

import { loadBalancingOptions } from './loadBalancingOptions';
import { toStoredEvent } from './toStoredEvent';

// How long a partition waits to fill a batch before handing over what it has.
const maxWaitTimeInSeconds = 1;

/**
 * An `eventHubTrigger` on an Event Hubs namespace, read with the unmodified SDK as the Functions extension
 * reads it: an EventHubConsumerClient whose blob checkpoint store keeps checkpoints and partition
 * ownership in AzureWebJobsStorage (container `azure-webjobs-eventhub`), so hosts sharing a consumer group
 * split the partitions between them. Each batch runs the function as the own log's batches do, then is
 * checkpointed, even when the function failed.
 */
export class SdkEventHubListener implements TriggerListener {
  readonly #connectionString: string;
  readonly #startPosition: EventPosition;
  readonly #loadBalancing: LoadBalancingOptions;
  readonly #inFlight = new Set<Promise<void>>();
  readonly #batchesSinceCheckpoint = new Map<string, number>();
  #client: EventHubConsumerClient | undefined;
  #subscription: Subscription | undefined;
  #stopping = false;

  constructor(
    private readonly fn: AppFunction,
    private readonly services: HostServices,
    private readonly options: EventHubTriggerOptions,
  ) {
    // Configuration errors stop the host at start-up.
    this.#connectionString = sdkConnectionString(
      options.connection,
      `Function '${fn.name}' (eventHubTrigger)`,
    );
    this.#startPosition = options.initialPosition;
    this.#loadBalancing = loadBalancingOptions(services.app.hostJson.extensions?.eventHubs);
  }

  async start(): Promise<void> {
    const container = this.services.hostStorage.blobs.getContainerClient(checkpointContainer);
    await container.createIfNotExists();
    const { maxBatchSize } = this.options;
    const client = this.#createClient(new BlobCheckpointStore(container));
    this.#client = client;
    this.#subscription = client.subscribe(
      {
        processEvents: (events, context) => this.#track(this.#processBatch(events, context)),
        processError: (error, context) => Promise.resolve(this.#reportError(error, context)),
      },
      {
        maxBatchSize,
        maxWaitTimeInSeconds,
        startPosition: this.#startPosition,
        // The function binds the bytes the producer sent, not the SDK's JSON reading of them.
        skipParsingBodyAsJson: true,
      },
    );
  }

  /** Stops taking batches, lets the running one finish and checkpoint, then gives up the partitions. */
  async stop(): Promise<void> {
    this.#stopping = true;
    const closing = this.#subscription?.close();
    await Promise.all(this.#inFlight);
    await closing;
    await this.#client?.close();
  }

  describe(): string {
    const { hub, namespace, consumerGroup, cardinality } = this.options;
    return `eventHubTrigger: ${hub} on ${namespace} through the Event Hubs SDK (consumer group ${consumerGroup}, cardinality ${cardinality})`;
  }

  #createClient(checkpoints: BlobCheckpointStore): EventHubConsumerClient {
    const { consumerGroup, hub, connection } = this.options;
    try {
      return new EventHubConsumerClient(consumerGroup, this.#connectionString, hub, checkpoints, {
        loadBalancingOptions: this.#loadBalancing,
      });
    } catch (error) {
      // The SDK's own wording (e.g. "Missing Endpoint in Connection String.") without the setting's name.
      throw new HostConfigurationError(
        `Function '${this.fn.name}' (eventHubTrigger): the app setting "${connection.setting}" is not an Event Hubs connection string the SDK accepts: ${describeError(error)}`,
      );
    }
  }

  async #track(work: Promise<void>): Promise<void> {
    this.#inFlight.add(work);
    try {
      await work;
    } finally {
      this.#inFlight.delete(work);
    }
  }

  async #processBatch(events: ReceivedEventData[], context: PartitionContext): Promise<void> {
    // An empty batch is the SDK's wait running out; a batch handed over while stopping is read again later.
    if (events.length === 0 || this.#stopping) return;
    const { partitionId } = context;
    const source = {
      namespace: context.fullyQualifiedNamespace,
      hub: context.eventHubName,
      consumerGroup: context.consumerGroup,
      partitionId,
    };
    const stored = events.map((event) => toStoredEvent(event, partitionId));
    try {
      await runEventHubFunction(this.fn, this.services, stored, source, this.options);
    } catch (error) {
      this.services.log.error(
        `${this.#label(partitionId)}: processing a batch failed in the host: ${describeError(error)}`,
      );
    }
    const batches = (this.#batchesSinceCheckpoint.get(partitionId) ?? 0) + 1;
    this.#batchesSinceCheckpoint.set(partitionId, batches);
    if (batches < this.options.checkpointEveryBatches) return;
    const last = events[events.length - 1]!;
    try {
      await context.updateCheckpoint(last);
      this.#batchesSinceCheckpoint.set(partitionId, 0);
    } catch (error) {
      // The next batch's checkpoint covers this one; until then a restart reads this batch again.
      this.services.log.warn(
        `${this.#label(partitionId)}: checkpointing sequence number ${last.sequenceNumber} failed: ${describeError(error)}`,
      );
    }
  }

  #reportError(error: Error, context: PartitionContext): void {
    if (this.#stopping && error.name === 'AbortError') return;
    this.services.log.warn(`${this.#label(context.partitionId)}: ${describeError(error)}`);
  }

  #label(partitionId: string): string {
    const where = partitionId ? `partition ${partitionId}` : 'load balancing';
    return `Function '${this.fn.name}' (event hub '${this.options.hub}' on ${this.options.namespace}, ${where})`;
  }
}
