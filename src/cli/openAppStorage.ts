import path from 'node:path';
import { loadAppFolder, type AppFolder } from '../host/app/loadAppFolder';
import { azuritePortsFrom } from '../host/azurite/azuritePortsFrom';
import { isPortFree, startAzurite } from '../host/azurite/startAzurite';
import { AppSettings } from '../host/settings/AppSettings';
import { azuriteConnectionString, isDevelopmentStorage } from '../host/storage/StorageConnection';
import { defaultConnectionName } from '../host/storage/StorageConnections';

export interface AppStorage {
  readonly app: AppFolder;
  readonly settings: AppSettings;
  /** AzureWebJobsStorage as the host uses it: `UseDevelopmentStorage=true` on the host's Azurite ports. */
  readonly connectionString: string;
  /** Stops the Azurite this opened, if any. */
  readonly close: () => Promise<void>;
}

/**
 * The app folder's storage, as its host sees it: the settings, and the connection string with
 * `UseDevelopmentStorage=true` pointed at the ports the host's Azurite uses (`DurableScoring__AzuritePorts`,
 * else 10000-10002). With `startAzurite`, an Azurite is started on the app's data (`.azurite/`) for the
 * command's duration when none listens there (no host is running).
 */
export async function openAppStorage(
  appDir: string,
  command: string,
  options: { startAzurite?: boolean } = {},
): Promise<AppStorage> {
  const app = loadAppFolder(appDir);
  const settings = new AppSettings(app.localValues, process.env);
  const configured = settings.require(defaultConnectionName, command);
  if (!isDevelopmentStorage(configured))
    return { app, settings, connectionString: configured, close: async () => {} };
  const ports = azuritePortsFrom(settings);
  const connectionString = azuriteConnectionString(ports);
  if (!options.startAzurite || !(await isPortFree(ports.blob)))
    return { app, settings, connectionString, close: async () => {} };
  const azurite = await startAzurite({ ports, location: path.join(app.directory, '.azurite') });
  return { app, settings, connectionString, close: () => azurite.stop().then(() => undefined) };
}
