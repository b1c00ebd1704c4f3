import path from 'node:path';
import { loadAppFolder, type AppFolder } from '../host/app/loadAppFolder';
import { azuritePortsFrom } from '../host/azurite/azuritePortsFrom';
import { isPortFree, startAzurite } from '../host/azurite/startAzurite';
import { AppSettings } from '../host/settings/AppSettings';
import { resolveStorageConnection } from '../host/storage/resolveStorageConnection';
import {
  azuriteConnectionString,
  isDevelopmentStorage,
  StorageConnection,
} from '../host/storage/StorageConnection';
import { defaultConnectionName } from '../host/storage/StorageConnections';

export interface AppStorage {
  readonly app: AppFolder;
  readonly settings: AppSettings;
  /** AzureWebJobsStorage as the host uses it (connection string on the host's Azurite ports, or identity). */
  readonly storage: StorageConnection;
  /**
   * The app's settings as its host hands them to it (local.settings.json under the environment), with
   * `UseDevelopmentStorage=true` pointed at the host's Azurite ports: for the app's own config.
   */
  readonly environment: NodeJS.ProcessEnv;
  /** Stops the Azurite this opened, if any. */
  readonly close: () => Promise<void>;
}

/**
 * The app folder's storage, as its host sees it: the settings, and AzureWebJobsStorage (a connection
 * string with `UseDevelopmentStorage=true` pointed at the ports the host's Azurite uses,
 * `DurableScoring__AzuritePorts`, else 10000-10002; or identity settings). With `startAzurite`, an
 * Azurite is started on the app's data (`.azurite/`) for the command's duration when none listens
 * there (no host is running).
 */
export async function openAppStorage(
  appDir: string,
  command: string,
  options: { startAzurite?: boolean } = {},
): Promise<AppStorage> {
  const app = loadAppFolder(appDir);
  const settings = new AppSettings(app.localValues, process.env);
  const connection = resolveStorageConnection(settings, defaultConnectionName, command);
  const ports = azuritePortsFrom(settings);
  const environment: NodeJS.ProcessEnv = { ...app.localValues, ...process.env };
  for (const [name, value] of Object.entries(environment))
    if (value !== undefined && isDevelopmentStorage(value))
      environment[name] = azuriteConnectionString(ports);
  const opened = { app, settings, environment, storage: new StorageConnection(connection, ports, command) };
  const development =
    connection.kind === 'connectionString' && isDevelopmentStorage(connection.connectionString);
  if (!development || !options.startAzurite || !(await isPortFree(ports.blob)))
    return { ...opened, close: async () => {} };
  const azurite = await startAzurite({ ports, location: path.join(app.directory, '.azurite') });
  return { ...opened, close: () => azurite.stop().then(() => undefined) };
}
