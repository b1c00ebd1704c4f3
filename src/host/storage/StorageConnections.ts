import type { AppSettings } from '../settings/AppSettings';
import { resolveStorageConnection } from './resolveStorageConnection';
import { defaultAzuritePorts, StorageConnection, type AzuritePorts } from './StorageConnection';

export const defaultConnectionName = 'AzureWebJobsStorage';

/**
 * Resolves a binding's `connection` (an app setting name, or the prefix of identity settings) to a
 * storage account, as the Functions runtime does; see resolveStorageConnection.
 */
export class StorageConnections {
  readonly #cache = new Map<string, StorageConnection>();

  /** `developmentPorts`: where `UseDevelopmentStorage=true` points (the host's Azurite). */
  constructor(
    private readonly settings: AppSettings,
    private readonly developmentPorts: AzuritePorts = defaultAzuritePorts,
  ) {}

  get(connectionName: string | undefined, usedBy: string): StorageConnection {
    const name = connectionName || defaultConnectionName;
    const cached = this.#cache.get(name.toLowerCase());
    if (cached) return cached;
    const settings = resolveStorageConnection(this.settings, name, usedBy);
    const connection = new StorageConnection(settings, this.developmentPorts, usedBy);
    this.#cache.set(name.toLowerCase(), connection);
    return connection;
  }
}
