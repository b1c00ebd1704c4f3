/**
 * Key Vault references (`@Microsoft.KeyVault(...)`) are resolved by Azure before the app starts. The
 * embedded host cannot resolve them, so it refuses to start with one, naming the setting and saying
 * what to set locally, rather than handing the reference to the app as if it were the secret.
 */
import { TestHost } from '../support/TestHost';

const howToFix =
  'which only Azure resolves: this host cannot read Key Vault. To run locally, set it in local.settings.json "Values" or the environment to the secret\'s value';

test('a Key Vault reference stops start-up, naming the setting and showing only the reference', async () => {
  const reference = '@Microsoft.KeyVault(SecretUri=https://scoring-kv.vault.azure.net/secrets/eventhubs/)';
  const { code, output } = await TestHost.startExpectingFailure('.', {
    settings: { EventHubConnection: `  ${reference} ` },
  });
  expect(code).not.toBe(0);
  expect(output).toContain(
    `The app setting "EventHubConnection" (${reference}) is a Key Vault reference, ${howToFix}`,
  );
  expect(output).toContain(
    'az keyvault secret show --vault-name <vault> --name <secret> --query value -o tsv',
  );
  expect(output).not.toContain('Host ready');
});

test('every reference is named, the storage connection included, and a malformed one is not echoed', async () => {
  const { code, output } = await TestHost.startExpectingFailure('.', {
    settings: {
      AzureWebJobsStorage: '@Microsoft.KeyVault(VaultName=scoring-kv;SecretName=runtime-storage)',
      DATA_STORAGE: '@microsoft.keyvault(VaultName=scoring-kv;SecretName=AccountKey=c2VjcmV0',
    },
  });
  expect(code).not.toBe(0);
  expect(output).toContain(
    'The app settings "AzureWebJobsStorage" (@Microsoft.KeyVault(VaultName=scoring-kv;SecretName=runtime-storage)), "DATA_STORAGE" (@Microsoft.KeyVault(...)) are Key Vault references, which only Azure resolves',
  );
  expect(output).toContain('or to UseDevelopmentStorage=true for a storage connection');
  expect(output).not.toContain('c2VjcmV0');
  expect(output).not.toContain('Azurite listening');
});
