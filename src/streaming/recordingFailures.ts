import type { StreamBatch } from './StreamBatch';
import type { StreamDefinition } from './StreamDefinition';
import type { StreamingServices } from './StreamingServices';

/**
 * Runs a batch's work; a failure becomes its partition's last error, with the time, and is thrown
 * again, so the trigger's retry policy runs the batch again.
 */
export async function recordingFailures<T>(
  stream: StreamDefinition,
  batch: StreamBatch,
  services: StreamingServices,
  work: () => Promise<T>,
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const first = batch.events[0]?.sequenceNumber;
    const cause = error instanceof Error ? error.message.split('\n')[0] : String(error);
    const message = `the batch from sequence number ${first} failed: ${cause}`;
    // The error being reported matters more than recording it.
    await services.streams
      .recordError(stream.name, batch.partitionId, message, new Date().toISOString())
      .catch(() => undefined);
    throw error;
  }
}
