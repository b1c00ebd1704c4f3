import { hostIdFrom } from '../host/FunctionHost';
import { KeyStore } from '../host/keys/KeyStore';
import { openAppStorage } from './openAppStorage';

/** Prints the app's keys; starts Azurite on the app's data for a moment if no host is running. */
export async function runKeysCommand(appDir: string, options: { json?: boolean }): Promise<void> {
  const { app, settings, storage, close } = await openAppStorage(appDir, 'durable-scoring keys', {
    startAzurite: true,
  });
  try {
    const hostId = hostIdFrom(settings, app.hostId);
    const keys = new KeyStore(storage.blobs, hostId);
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
    await close();
  }
}
