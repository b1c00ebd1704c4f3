import type { StorageCredentialSettings } from '../identity/storageCredential';

export type { StorageCredentialSettings };
export type StorageService = 'blob' | 'queue' | 'table';

/**
 * A storage account as the app settings name it: a connection string, or identity settings with each
 * service's endpoint (or the setting that is missing) and the credential.
 */
export type StorageAccount =
  | { readonly kind: 'connectionString'; readonly name: string; readonly connectionString: string }
  | {
      readonly kind: 'identity';
      readonly name: string;
      readonly endpoints: Readonly<Record<StorageService, { uri: string } | { missing: string }>>;
      readonly credential: StorageCredentialSettings;
    };

/** The service's endpoint of an identity-based account; an error naming the setting when it has none. */
export function serviceEndpoint(
  account: Extract<StorageAccount, { kind: 'identity' }>,
  service: StorageService,
): string {
  const endpoint = account.endpoints[service];
  if ('uri' in endpoint) return endpoint.uri;
  throw new Error(
    `Invalid app setting ${endpoint.missing}: the app uses ${service} storage through the identity-based connection "${account.name}", which has no ${service} endpoint. Set ${endpoint.missing} (or ${account.name}__accountName for an Azure account).`,
  );
}
