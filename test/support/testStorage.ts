import { randomBytes } from 'node:crypto';
import { StorageConnection } from '../../src/host/storage/StorageConnection';

/** The run's Azurite (started by globalSetup). */
export function testStorage(): StorageConnection {
  const connectionString = process.env.TEST_STORAGE_CONNECTION;
  if (!connectionString)
    throw new Error('TEST_STORAGE_CONNECTION is not set: run the tests through jest (globalSetup).');
  return new StorageConnection(connectionString);
}

/** A name unique to this test, valid for containers, queues and (without dashes) tables. */
export function uniqueName(prefix: string): string {
  return `${prefix}${randomBytes(4).toString('hex')}`.toLowerCase();
}

export interface HostSecrets {
  masterKey: { value: string };
  functionKeys: { name: string; value: string }[];
  systemKeys: { name: string; value: string }[];
}

/** The host keys as the host stores them: `azure-webjobs-secrets/<hostId>/host.json`. */
export async function hostSecrets(hostId: string, storage = testStorage()): Promise<HostSecrets> {
  const blob = storage.blobs
    .getContainerClient('azure-webjobs-secrets')
    .getBlockBlobClient(`${hostId}/host.json`);
  return JSON.parse((await blob.downloadToBuffer()).toString()) as HostSecrets;
}
