import type { QueueServiceClient } from '@azure/storage-queue';

/** The queue where the host puts blobs whose function failed on every attempt. */
export const blobPoisonQueueName = 'webjobs-blobtrigger-poison';

/** The fields of the host's blob trigger message, in its order and spelling. */
export interface BlobTriggerMessage {
  readonly Type: 'BlobTrigger';
  readonly FunctionId: string;
  /** `BlockBlob`, `PageBlob` or `AppendBlob`. */
  readonly BlobType: string;
  readonly ContainerName: string;
  readonly BlobName: string;
  /** The blob version's ETag, quotes included. */
  readonly ETag: string;
}

/**
 * Puts a blob trigger message on `webjobs-blobtrigger-poison` of the blob's own storage account, as
 * the host does. The text is base64-encoded UTF-8 JSON, the encoding of the host's queue clients.
 */
export async function sendToBlobPoisonQueue(
  queues: QueueServiceClient,
  message: BlobTriggerMessage,
): Promise<void> {
  const queue = queues.getQueueClient(blobPoisonQueueName);
  await queue.createIfNotExists();
  await queue.sendMessage(Buffer.from(JSON.stringify(message), 'utf8').toString('base64'));
}
