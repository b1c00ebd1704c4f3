import type { ContainerClient } from '@azure/storage-blob';
import { hasStatus } from '../../storage/storageErrors';

/** What is fixed when a hub is created, kept in `<hub>/hub.json`. */
export interface HubProperties {
  readonly partitionCount: number;
  readonly createdAt: Date;
}

/**
 * Reads the hub's properties, creating them first for a new hub. The blob is created only if none exists,
 * so processes that open a new hub at the same time agree on one partition count.
 */
export async function openHubProperties(
  container: ContainerClient,
  hubFolder: string,
  hub: string,
  partitionCount: number,
): Promise<HubProperties> {
  const blob = container.getBlockBlobClient(`${hubFolder}/hub.json`);
  const created = JSON.stringify({ hub, partitionCount, createdAt: new Date().toISOString() });
  try {
    await blob.upload(created, Buffer.byteLength(created), {
      conditions: { ifNoneMatch: '*' },
      blobHTTPHeaders: { blobContentType: 'application/json' },
    });
  } catch (error) {
    if (!hasStatus(error, 409)) throw error;
  }
  const text = (await blob.downloadToBuffer()).toString('utf8');
  let stored: { partitionCount?: unknown; createdAt?: unknown };
  try {
    stored = JSON.parse(text) as typeof stored;
  } catch {
    stored = {};
  }
  const count = stored.partitionCount;
  const createdAt = new Date(typeof stored.createdAt === 'string' ? stored.createdAt : Number.NaN);
  if (
    typeof count !== 'number' ||
    !Number.isInteger(count) ||
    count < 1 ||
    Number.isNaN(createdAt.getTime())
  ) {
    throw new Error(
      `Event hub '${hub}': ${container.containerName}/${blob.name} is not this log's hub description ({"partitionCount", "createdAt"}); delete the hub's folder ${hubFolder}/ to recreate the hub.`,
    );
  }
  return { partitionCount: count, createdAt };
}
