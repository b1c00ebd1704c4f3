import type { AppSettings } from '../settings/AppSettings';
import { defaultAzuritePorts, StorageConnection, type AzuritePorts } from './StorageConnection';
import { HostConfigurationError } from '../errors';

export const defaultConnectionName = 'AzureWebJobsStorage';

/**
 * Resolves a binding's `connection` (an app setting name) to a storage account, as the host does:
 * the setting holds a connection string; `<name>__serviceUri`-style identity connections are
 * recognised and refused with a clear message (no Azure identity is available locally).
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
    const value = this.settings.get(name) ?? this.settings.get(`AzureWebJobs${name}`);
    if (value === undefined || value === '') {
      const identity = this.settings.withPrefix(`${name}__`);
      if (identity.size > 0) {
        throw new HostConfigurationError(
          `${usedBy}: connection "${name}" is identity-based (${[...identity.keys()].map((key) => `${name}__${key}`).join(', ')}); the embedded host needs a connection string in the setting "${name}".`,
        );
      }
      throw new HostConfigurationError(
        `${usedBy} uses the connection "${name}", but no app setting "${name}" holds a storage connection string. Add it to "Values" in local.settings.json (UseDevelopmentStorage=true for Azurite).`,
      );
    }
    const connection = new StorageConnection(value, this.developmentPorts);
    this.#cache.set(name.toLowerCase(), connection);
    return connection;
  }
}
