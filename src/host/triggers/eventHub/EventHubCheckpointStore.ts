import type { BlobServiceClient, ContainerClient } from '@azure/storage-blob';
import { hasStatus } from '../../storage/storageErrors';

/** Where the Functions Event Hubs extension keeps checkpoints and ownership, in AzureWebJobsStorage. */
export const checkpointContainer = 'azure-webjobs-eventhub';

export interface Checkpoint {
  readonly sequenceNumber: number;
  readonly offset: number;
}

export interface ConsumerIdentity {
  /** The fully qualified namespace, e.g. `myns.servicebus.windows.net` (`localhost` locally). */
  readonly namespace: string;
  readonly hub: string;
  readonly consumerGroup: string;
}

/**
 * Per-partition checkpoints laid out as the Event Hubs blob checkpoint store lays them out: an empty blob
 * `<namespace>/<hub>/<consumergroup>/checkpoint/<partition>` (lower case) whose metadata holds
 * `sequencenumber` and `offset` of the last processed event.
 */
export class EventHubCheckpointStore {
  readonly #container: ContainerClient;
  readonly #prefix: string;

  constructor(blobs: BlobServiceClient, consumer: ConsumerIdentity) {
    this.#container = blobs.getContainerClient(checkpointContainer);
    this.#prefix =
      `${consumer.namespace}/${consumer.hub}/${consumer.consumerGroup}/checkpoint/`.toLowerCase();
  }

  /** The blob name of a partition's checkpoint. */
  blobName(partitionId: string): string {
    return this.#prefix + partitionId;
  }

  async ensureContainer(): Promise<void> {
    await this.#container.createIfNotExists();
  }

  /** The partition's checkpoint, or undefined when nothing was processed yet. */
  async read(partitionId: string): Promise<Checkpoint | undefined> {
    try {
      const properties = await this.#container.getBlockBlobClient(this.blobName(partitionId)).getProperties();
      const sequenceNumber = Number(properties.metadata?.sequencenumber);
      if (!Number.isInteger(sequenceNumber)) return undefined;
      return { sequenceNumber, offset: Number(properties.metadata?.offset ?? 0) };
    } catch (error) {
      if (hasStatus(error, 404)) return undefined;
      throw error;
    }
  }

  async write(partitionId: string, checkpoint: Checkpoint): Promise<void> {
    await this.#container.getBlockBlobClient(this.blobName(partitionId)).upload('', 0, {
      metadata: { sequencenumber: String(checkpoint.sequenceNumber), offset: String(checkpoint.offset) },
    });
  }
}
