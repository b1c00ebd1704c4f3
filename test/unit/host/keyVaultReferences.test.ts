import { AppSettings } from '../../../src/host/settings/AppSettings';
import { keyVaultReferenceIn } from '../../../src/host/settings/keyVaultReferences';

describe('keyVaultReferenceIn', () => {
  it.each([
    [
      '@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/s/)',
      '@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/s/)',
    ],
    [
      ' @Microsoft.KeyVault(VaultName=kv;SecretName=s;SecretVersion=1) ',
      '@Microsoft.KeyVault(VaultName=kv;SecretName=s;SecretVersion=1)',
    ],
    ['@microsoft.keyvault(VaultName=kv;SecretName=s)', '@microsoft.keyvault(VaultName=kv;SecretName=s)'],
    ['@Microsoft.KeyVault(VaultName=kv;SecretName=s', '@Microsoft.KeyVault(...)'],
    ['@Microsoft.KeyVault(VaultName=kv) AccountKey=abc', '@Microsoft.KeyVault(...)'],
    ['DefaultEndpointsProtocol=https;AccountName=a;AccountKey=abc', undefined],
    ['UseDevelopmentStorage=true', undefined],
    ['see @Microsoft.KeyVault(VaultName=kv;SecretName=s)', undefined],
  ])('%j -> %j', (value, reference) => {
    expect(keyVaultReferenceIn(value)).toBe(reference);
  });
});

describe('AppSettings.require', () => {
  it('refuses a Key Vault reference, naming the setting, as the CLI commands read storage', () => {
    const settings = new AppSettings(
      { AzureWebJobsStorage: '@Microsoft.KeyVault(VaultName=kv;SecretName=storage)' },
      {},
    );
    expect(() => settings.require('AzureWebJobsStorage', 'durable-scoring keys')).toThrow(
      'The app setting "AzureWebJobsStorage" (@Microsoft.KeyVault(VaultName=kv;SecretName=storage)) is a Key Vault reference, which only Azure resolves',
    );
  });

  it('passes other values on', () => {
    const settings = new AppSettings({ AzureWebJobsStorage: 'UseDevelopmentStorage=true' }, {});
    expect(settings.require('AzureWebJobsStorage', 'x')).toBe('UseDevelopmentStorage=true');
    expect(() => settings.assertNoKeyVaultReferences()).not.toThrow();
  });
});
