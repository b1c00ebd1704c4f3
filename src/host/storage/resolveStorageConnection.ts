import type { StorageCredentialSettings } from '../../identity/storageCredential';
import { HostConfigurationError } from '../errors';
import type { AppSettings } from '../settings/AppSettings';

export type { StorageCredentialSettings };

export type StorageService = 'blob' | 'queue' | 'table';

type Endpoint = { uri: string } | { missing: string };

/** A storage connection as the app settings define it: a connection string, or identity settings. */
export type StorageConnectionSettings =
  | { readonly kind: 'connectionString'; readonly name: string; readonly connectionString: string }
  | {
      readonly kind: 'identity';
      readonly name: string;
      /** Each service's endpoint, or the setting to add when it is missing. */
      readonly endpoints: Readonly<Record<StorageService, Endpoint>>;
      readonly credential: StorageCredentialSettings;
    };

/** `<name>__credential=azuriteTestToken`: the test-only credential (see docs/connections.md). */
export const azuriteTestTokenCredential = 'azuritetesttoken';

const loopbackHosts = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Reads the connection named `name` as the Functions runtime does: the setting `name` (or
 * `AzureWebJobs<name>`) holding a connection string wins; otherwise the settings under `name__`
 * (`accountName`, `blobServiceUri`/`serviceUri`, `queueServiceUri`, `tableServiceUri`, `credential`,
 * `clientId`, `managedIdentityResourceId`). Errors name the setting to fix.
 */
export function resolveStorageConnection(
  settings: AppSettings,
  name: string,
  usedBy: string,
): StorageConnectionSettings {
  for (const setting of [name, `AzureWebJobs${name}`]) {
    const value = settings.get(setting);
    if (value) return { kind: 'connectionString', name: setting, connectionString: value };
  }
  const identity = new Map(
    [...settings.withPrefix(`${name}__`)]
      .filter(([, value]) => value !== '')
      .map(([key, value]) => [key.toLowerCase(), value]),
  );
  if (identity.size === 0) {
    throw new HostConfigurationError(
      `${usedBy} uses the connection "${name}", but neither the app setting "${name}" (a storage connection string) nor identity settings "${name}__accountName" or "${name}__blobServiceUri"/"__queueServiceUri"/"__tableServiceUri" are set. Add them to "Values" in local.settings.json (UseDevelopmentStorage=true for Azurite).`,
    );
  }
  const setting = (key: string) => `${name}__${key}`;
  const accountName = identity.get('accountname');
  if (accountName !== undefined && !/^[a-z0-9]{3,24}$/.test(accountName)) {
    throw new HostConfigurationError(
      `${usedBy}: the app setting "${setting('accountName')}" is not a storage account name (3 to 24 lower-case letters and digits).`,
    );
  }
  const endpoint = (service: StorageService, keys: readonly string[]): Endpoint => {
    for (const key of keys) {
      const value = identity.get(key.toLowerCase());
      if (value !== undefined) return { uri: serviceUri(value, setting(key), usedBy) };
    }
    if (accountName !== undefined) return { uri: `https://${accountName}.${service}.core.windows.net` };
    return { missing: setting(keys[0]!) };
  };
  const endpoints = {
    blob: endpoint('blob', ['blobServiceUri', 'serviceUri']),
    queue: endpoint('queue', ['queueServiceUri']),
    table: endpoint('table', ['tableServiceUri']),
  };
  const credential = credentialSettings(identity, setting, usedBy);
  if (credential.kind === 'azuriteTestToken') assertLoopback(endpoints, setting('credential'), usedBy);
  return { kind: 'identity', name, endpoints, credential };
}

/** The service's endpoint; a clear error naming the setting when the connection lacks it. */
export function serviceEndpoint(
  connection: Extract<StorageConnectionSettings, { kind: 'identity' }>,
  service: StorageService,
  usedBy: string,
): string {
  const endpoint = connection.endpoints[service];
  if ('uri' in endpoint) return endpoint.uri;
  throw new HostConfigurationError(
    `${usedBy} uses ${service} storage through the identity-based connection "${connection.name}", which has no ${service} endpoint: set "${endpoint.missing}" (or "${connection.name}__accountName" for an Azure account).`,
  );
}

function serviceUri(value: string, setting: string, usedBy: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new HostConfigurationError(
      `${usedBy}: the app setting "${setting}" is not a URI (expected e.g. https://<account>.blob.core.windows.net).`,
    );
  }
  if (url.protocol !== 'https:') {
    throw new HostConfigurationError(
      `${usedBy}: the app setting "${setting}" must be an https URI; tokens are only sent over HTTPS.`,
    );
  }
  return value.replace(/\/+$/, '');
}

function credentialSettings(
  identity: ReadonlyMap<string, string>,
  setting: (key: string) => string,
  usedBy: string,
): StorageCredentialSettings {
  const credential = identity.get('credential')?.toLowerCase();
  const clientId = identity.get('clientid');
  const resourceId = identity.get('managedidentityresourceid');
  if (credential === azuriteTestTokenCredential) return { kind: 'azuriteTestToken' };
  if (credential !== undefined && credential !== 'managedidentity') {
    throw new HostConfigurationError(
      `${usedBy}: the app setting "${setting('credential')}" is "${identity.get('credential')}"; the only value is "managedidentity" (leave it out to use DefaultAzureCredential).`,
    );
  }
  if (clientId !== undefined && resourceId !== undefined) {
    throw new HostConfigurationError(
      `${usedBy}: set either "${setting('clientId')}" or "${setting('managedIdentityResourceId')}", not both.`,
    );
  }
  if (credential === undefined) {
    if (resourceId !== undefined) {
      throw new HostConfigurationError(
        `${usedBy}: "${setting('managedIdentityResourceId')}" needs "${setting('credential')}" set to "managedidentity".`,
      );
    }
    return { kind: 'default', ...(clientId === undefined ? {} : { clientId }) };
  }
  return {
    kind: 'managedIdentity',
    ...(clientId === undefined ? {} : { clientId }),
    ...(resourceId === undefined ? {} : { resourceId }),
  };
}

function assertLoopback(endpoints: Record<StorageService, Endpoint>, setting: string, usedBy: string): void {
  for (const endpoint of Object.values(endpoints)) {
    if ('uri' in endpoint && !loopbackHosts.has(new URL(endpoint.uri).hostname)) {
      throw new HostConfigurationError(
        `${usedBy}: "${setting}=azuriteTestToken" is for tests against a local Azurite only, but ${endpoint.uri} is not a loopback address.`,
      );
    }
  }
}
