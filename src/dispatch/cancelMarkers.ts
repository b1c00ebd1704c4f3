import type { StorageClients } from '../storage/StorageClients';
import { cancelMarkerName, workControlContainer } from './workContracts';

/** Writes the job's cancel marker; workers answer `cancelled` for its items from then on. */
export async function markJobCancelled(storage: StorageClients, jobId: string): Promise<void> {
  const container = await storage.ensureContainer(workControlContainer);
  const text = JSON.stringify({ jobId, cancelledAt: new Date().toISOString() });
  await container.getBlockBlobClient(cancelMarkerName(jobId)).upload(text, Buffer.byteLength(text));
}

export async function isJobCancelled(storage: StorageClients, jobId: string): Promise<boolean> {
  return storage.container(workControlContainer).getBlobClient(cancelMarkerName(jobId)).exists();
}
