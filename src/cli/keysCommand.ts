import path from 'node:path';
import { loadAppFolder } from '../host/app/loadAppFolder';
import { isPortFree, startAzurite } from '../host/azurite/startAzurite';
import { hostIdFrom } from '../host/FunctionHost';
import { KeyStore } from '../host/keys/KeyStore';
import { AppSettings } from '../host/settings/AppSettings';
import {
  defaultAzuritePorts,
  isDevelopmentStorage,
  StorageConnection,
} from '../host/storage/StorageConnection';
import { defaultConnectionName } from '../host/storage/StorageConnections';

/** Prints the app's keys; starts Azurite on the app's data for a moment if no host is running. */
export async function runKeysCommand(appDir: string, options: { json?: boolean }): Promise<void> {
  const app = loadAppFolder(appDir);
  const settings = new AppSettings(app.localValues, process.env);
  const connectionString = settings.require(defaultConnectionName, 'durable-scoring keys');
  let stopAzurite: (() => Promise<void>) | undefined;
  if (isDevelopmentStorage(connectionString) && (await isPortFree(defaultAzuritePorts.blob))) {
    const location = path.join(app.directory, '.azurite');
    const azurite = await startAzurite({ ports: defaultAzuritePorts, location });
    stopAzurite = () => azurite.stop().then(() => undefined);
  }
  try {
    const hostId = hostIdFrom(settings, app.hostId);
    const keys = new KeyStore(new StorageConnection(connectionString).blobs, hostId);
    await keys.load();
    const snapshot = keys.snapshot();
    if (options.json) {
      console.log(JSON.stringify(snapshot, null, 2));
      return;
    }
    console.log(
      `Keys for ${app.directory} (host id ${hostId}); pass one as ?code=<key> or the x-functions-key header.`,
    );
    console.log(`  master (admin, all functions): ${snapshot.master}`);
    for (const [name, value] of Object.entries(snapshot.host))
      console.log(`  host key "${name}" (any function): ${value}`);
    for (const [name, value] of Object.entries(snapshot.system))
      console.log(`  system key "${name}": ${value}`);
    console.log('Function keys are created when the host first serves a function with authLevel "function".');
  } finally {
    await stopAzurite?.();
  }
}
