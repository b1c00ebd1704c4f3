import { EventHubConsumerClient } from '@azure/event-hubs';
import { ValidationError } from '../errors';
import type { PartitionTail, PartitionTails } from './PartitionTails';
import type { StreamDefinition } from './StreamDefinition';

/**
 * Partition tails from the Event Hubs service (its partition properties), with the connection string
 * and hub the stream's trigger uses (`%SETTING%` resolved from the app settings). One short-lived
 * client per call, tried once with a short timeout: a status page must not hang on an unreachable hub.
 */
export class EventHubPartitionTails implements PartitionTails {
  constructor(private readonly settings: Readonly<Record<string, string | undefined>>) {}

  async read(stream: StreamDefinition): Promise<PartitionTail[]> {
    const { connection, consumerGroup, hub } = stream.source;
    const connectionString = this.settings[connection];
    if (!connectionString)
      throw new ValidationError(`The app setting ${connection} (source.connection) is not set.`, {
        field: 'source.connection',
      });
    const hubName = hub.replace(/^%(.+)%$/, (_, setting: string) => this.settings[setting] ?? '');
    const client = new EventHubConsumerClient(consumerGroup, connectionString, hubName, {
      retryOptions: { maxRetries: 0, timeoutInMs: 5_000 },
    });
    try {
      const ids = await client.getPartitionIds();
      return await Promise.all(
        ids.map(async (partitionId) => {
          const properties = await client.getPartitionProperties(partitionId);
          return {
            partitionId,
            lastEnqueuedSequenceNumber: properties.isEmpty ? -1 : properties.lastEnqueuedSequenceNumber,
            ...(properties.isEmpty
              ? {}
              : { lastEnqueuedTimeUtc: properties.lastEnqueuedOnUtc.toISOString() }),
          };
        }),
      );
    } finally {
      await client.close();
    }
  }
}
