import { findFreeAzuritePorts, startAzurite, type RunningAzurite } from '../../src/host/azurite/startAzurite';
import { azuriteConnectionString } from '../../src/host/storage/StorageConnection';

declare global {
  var testAzurite: RunningAzurite | undefined;
}

/** One in-memory Azurite per test run on free ports; its connection string reaches every test worker. */
export default async function globalSetup(): Promise<void> {
  const ports = await findFreeAzuritePorts();
  globalThis.testAzurite = await startAzurite({ ports });
  process.env.TEST_STORAGE_CONNECTION = azuriteConnectionString(ports);
}
