import { HostConfigurationError } from '../../../src/host/errors';
import { AppSettings } from '../../../src/host/settings/AppSettings';
import {
  resolveStorageConnection,
  serviceEndpoint as hostServiceEndpoint,
} from '../../../src/host/storage/resolveStorageConnection';
import { dataConnectionName, loadConfig } from '../../../src/config';
import { resolveStorageAccount } from '../../../src/storage/resolveStorageAccount';
import { serviceEndpoint } from '../../../src/storage/StorageAccount';

// The app and the embedded host each read connection settings (neither imports the other): the same
// cases run through both, so the two stay in step with each other and with the Functions runtime.

const readers = {
  app: (env: Record<string, string>, name: string) => resolveStorageAccount(env, name),
  host: (env: Record<string, string>, name: string) =>
    resolveStorageConnection(new AppSettings({}, env), name, 'The test'),
};

describe.each(Object.entries(readers))('%s: reading a storage connection', (side, read) => {
  it('takes a connection string over identity settings', () => {
    const account = read({ X: 'UseDevelopmentStorage=true', X__accountName: 'ignored' }, 'X');
    expect(account).toMatchObject({
      kind: 'connectionString',
      connectionString: 'UseDevelopmentStorage=true',
    });
  });

  it('builds the endpoints of an Azure account from X__accountName, with DefaultAzureCredential', () => {
    expect(read({ X__accountName: 'mydata01' }, 'X')).toEqual({
      kind: 'identity',
      name: 'X',
      endpoints: {
        blob: { uri: 'https://mydata01.blob.core.windows.net' },
        queue: { uri: 'https://mydata01.queue.core.windows.net' },
        table: { uri: 'https://mydata01.table.core.windows.net' },
      },
      credential: { kind: 'default' },
    });
  });

  it('reads service URIs (serviceUri as the blob alias), a managed identity and its client id', () => {
    const account = read(
      {
        X__serviceUri: 'https://a.blob.core.windows.net/',
        X__queueServiceUri: 'https://a.queue.core.windows.net',
        X__credential: 'ManagedIdentity',
        X__clientId: '1111',
      },
      'X',
    );
    expect(account).toMatchObject({
      endpoints: {
        blob: { uri: 'https://a.blob.core.windows.net' },
        queue: { uri: 'https://a.queue.core.windows.net' },
        table: { missing: 'X__tableServiceUri' },
      },
      credential: { kind: 'managedIdentity', clientId: '1111' },
    });
  });

  it('prefers X__blobServiceUri over X__serviceUri', () => {
    const account = read(
      { X__serviceUri: 'https://old.example', X__blobServiceUri: 'https://new.example' },
      'X',
    );
    expect(account).toMatchObject({ endpoints: { blob: { uri: 'https://new.example' } } });
  });

  it('names the missing setting when a used service has no endpoint', () => {
    const account = read({ X__blobServiceUri: 'https://a.blob.core.windows.net' }, 'X');
    if (account.kind !== 'identity') throw new Error('expected identity settings');
    const endpoint = () =>
      side === 'app' ? serviceEndpoint(account, 'queue') : hostServiceEndpoint(account, 'queue', 'The test');
    expect(endpoint).toThrow(/X__queueServiceUri/);
  });

  it.each([
    [{}, /"?X"?.*X__accountName/],
    [{ X__accountName: 'Not_An_Account' }, /X__accountName.*not a storage account name/],
    [{ X__blobServiceUri: 'not a uri' }, /X__blobServiceUri.*not a URI/],
    [{ X__queueServiceUri: 'http://a.queue.core.windows.net' }, /X__queueServiceUri.*https/],
    [
      { X__accountName: 'abc', X__credential: 'clientsecret' },
      /X__credential.*"clientsecret".*managedidentity/,
    ],
    [
      {
        X__accountName: 'abc',
        X__credential: 'managedidentity',
        X__clientId: 'a',
        X__managedIdentityResourceId: 'b',
      },
      /X__clientId.*X__managedIdentityResourceId|X__managedIdentityResourceId.*X__clientId/,
    ],
    [
      { X__accountName: 'abc', X__managedIdentityResourceId: 'b' },
      /X__managedIdentityResourceId.*X__credential/,
    ],
    [
      { X__accountName: 'abc', X__credential: 'azuriteTestToken' },
      /azuriteTestToken.*not a loopback address/,
    ],
  ])('refuses %j, naming the setting', (env, message) => {
    const attempt = () => read(env, 'X');
    expect(attempt).toThrow(message);
    if (side === 'host') expect(attempt).toThrow(HostConfigurationError);
  });

  it('allows the test token for loopback endpoints only', () => {
    const account = read(
      { X__blobServiceUri: 'https://127.0.0.1:10000/devstoreaccount1', X__credential: 'azuriteTestToken' },
      'X',
    );
    expect(account).toMatchObject({ credential: { kind: 'azuriteTestToken' } });
  });
});

describe('the data connection', () => {
  it('is AzureWebJobsStorage unless DATA_STORAGE or one of its identity settings is set', () => {
    expect(dataConnectionName({ AzureWebJobsStorage: 'UseDevelopmentStorage=true' })).toBe(
      'AzureWebJobsStorage',
    );
    expect(dataConnectionName({ DATA_STORAGE: '' })).toBe('AzureWebJobsStorage');
    expect(dataConnectionName({ DATA_STORAGE: 'UseDevelopmentStorage=true' })).toBe('DATA_STORAGE');
    expect(dataConnectionName({ DATA_STORAGE__accountName: 'mydata01' })).toBe('DATA_STORAGE');
  });

  it('stops the app loading when its data account has no table endpoint, naming the setting', () => {
    const env = { DATA_STORAGE__blobServiceUri: 'https://a.blob.core.windows.net' };
    expect(() => loadConfig(env, '.')).toThrow(
      'Invalid app setting DATA_STORAGE__tableServiceUri: the app uses table storage',
    );
  });

  it('says what the app needs when no storage setting is there at all', () => {
    expect(() => loadConfig({}, '.')).toThrow(
      /Invalid app setting AzureWebJobsStorage: is required \(a storage connection string, or identity settings AzureWebJobsStorage__accountName/,
    );
  });
});
