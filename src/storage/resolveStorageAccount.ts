import type { StorageAccount, StorageCredentialSettings, StorageService } from './StorageAccount';

type Endpoint = { uri: string } | { missing: string };

const loopbackHosts = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Reads the storage connection named `name` from app settings as the Functions runtime reads a
 * binding's connection: the setting `name` holding a connection string wins; otherwise the identity
 * settings under `name__` (`accountName`, `blobServiceUri`/`serviceUri`, `queueServiceUri`,
 * `tableServiceUri`, `credential`, `clientId`, `managedIdentityResourceId`). The embedded host reads
 * binding connections with its own copy of these rules (it imports nothing of the app); both are
 * checked against the same cases in the tests. Errors name the setting to fix.
 */
export function resolveStorageAccount(env: NodeJS.ProcessEnv, name: string): StorageAccount {
  const connectionString = env[name];
  if (connectionString) return { kind: 'connectionString', name, connectionString };
  const identity = identitySettings(env, name);
  const setting = (key: string) => `${name}__${key}`;
  if (identity.size === 0) {
    throw new Error(
      `Invalid app setting ${name}: is required (a storage connection string, or identity settings ${setting('accountName')} or ${setting('blobServiceUri')}, ${setting('queueServiceUri')} and ${setting('tableServiceUri')})`,
    );
  }
  const accountName = identity.get('accountname');
  if (accountName !== undefined && !/^[a-z0-9]{3,24}$/.test(accountName)) {
    throw new Error(
      `Invalid app setting ${setting('accountName')}: is not a storage account name (3 to 24 lower-case letters and digits)`,
    );
  }
  const endpoint = (service: StorageService, keys: readonly string[]): Endpoint => {
    for (const key of keys) {
      const value = identity.get(key.toLowerCase());
      if (value !== undefined) return { uri: httpsUri(value, setting(key)) };
    }
    if (accountName !== undefined) return { uri: `https://${accountName}.${service}.core.windows.net` };
    return { missing: setting(keys[0]!) };
  };
  const endpoints = {
    blob: endpoint('blob', ['blobServiceUri', 'serviceUri']),
    queue: endpoint('queue', ['queueServiceUri']),
    table: endpoint('table', ['tableServiceUri']),
  };
  const credential = credentialOf(identity, setting);
  if (credential.kind === 'azuriteTestToken') {
    for (const value of Object.values(endpoints)) {
      if ('uri' in value && !loopbackHosts.has(new URL(value.uri).hostname)) {
        throw new Error(
          `Invalid app setting ${setting('credential')}: azuriteTestToken is for tests against a local Azurite only, but ${value.uri} is not a loopback address`,
        );
      }
    }
  }
  return { kind: 'identity', name, endpoints, credential };
}

/** Settings under `<name>__`, keyed by the rest of the name in lower case; empty ones are unset. */
function identitySettings(env: NodeJS.ProcessEnv, name: string): Map<string, string> {
  const prefix = `${name}__`.toLowerCase();
  const found = new Map<string, string>();
  for (const [key, value] of Object.entries(env))
    if (value && key.toLowerCase().startsWith(prefix))
      found.set(key.slice(prefix.length).toLowerCase(), value);
  return found;
}

function httpsUri(value: string, setting: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(
      `Invalid app setting ${setting}: is not a URI (expected e.g. https://<account>.blob.core.windows.net)`,
    );
  }
  if (url.protocol !== 'https:') {
    throw new Error(`Invalid app setting ${setting}: must be an https URI; tokens are only sent over HTTPS`);
  }
  return value.replace(/\/+$/, '');
}

function credentialOf(
  identity: ReadonlyMap<string, string>,
  setting: (key: string) => string,
): StorageCredentialSettings {
  const credential = identity.get('credential')?.toLowerCase();
  const clientId = identity.get('clientid');
  const resourceId = identity.get('managedidentityresourceid');
  if (credential === 'azuritetesttoken') return { kind: 'azuriteTestToken' };
  if (credential !== undefined && credential !== 'managedidentity') {
    throw new Error(
      `Invalid app setting ${setting('credential')}: is "${identity.get('credential')}"; the only value is "managedidentity" (leave it out to use DefaultAzureCredential)`,
    );
  }
  if (clientId !== undefined && resourceId !== undefined) {
    throw new Error(
      `Invalid app setting ${setting('managedIdentityResourceId')}: set either it or ${setting('clientId')}, not both`,
    );
  }
  if (credential === undefined) {
    if (resourceId !== undefined) {
      throw new Error(
        `Invalid app setting ${setting('managedIdentityResourceId')}: needs ${setting('credential')}=managedidentity`,
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
