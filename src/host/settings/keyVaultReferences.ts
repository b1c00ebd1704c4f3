import { HostConfigurationError } from '../errors';

/** `@Microsoft.KeyVault(SecretUri=...)` or `@Microsoft.KeyVault(VaultName=...;SecretName=...)`, as the whole value. */
const referencePattern = /^\s*(@Microsoft\.KeyVault\([^()]*\))\s*$/i;

/**
 * The reference, when the value is a Key Vault reference; undefined otherwise. A malformed one (Azure
 * would not resolve it either) is shown as `@Microsoft.KeyVault(...)`, never as the raw value.
 */
export function keyVaultReferenceIn(value: string): string | undefined {
  if (!/^\s*@Microsoft\.KeyVault\(/i.test(value)) return undefined;
  return referencePattern.exec(value)?.[1] ?? '@Microsoft.KeyVault(...)';
}

/**
 * Azure resolves a Key Vault reference in an app setting before the app starts; Core Tools and this
 * host do not, and would hand the reference on as if it were the secret. The error names each
 * setting, shows no more of its value than the reference, and says what to set locally.
 */
export function keyVaultReferencesError(
  found: readonly { name: string; reference: string }[],
): HostConfigurationError {
  const listed = found.map(({ name, reference }) => `"${name}" (${reference})`).join(', ');
  const what =
    found.length === 1
      ? `The app setting ${listed} is a Key Vault reference`
      : `The app settings ${listed} are Key Vault references`;
  return new HostConfigurationError(
    `${what}, which only Azure resolves: this host cannot read Key Vault. To run locally, set ${found.length === 1 ? 'it' : 'each'} in local.settings.json "Values" or the environment to the secret's value (e.g. \`az keyvault secret show --vault-name <vault> --name <secret> --query value -o tsv\`), or to UseDevelopmentStorage=true for a storage connection; keep the reference in the Function App's settings on Azure.`,
  );
}
