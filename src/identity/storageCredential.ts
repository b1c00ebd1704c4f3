// Credentials of identity-based storage connections, shared by the app and the embedded host: this
// folder imports nothing of either.
import {
  DefaultAzureCredential,
  ManagedIdentityCredential,
  type AccessToken,
  type TokenCredential,
} from '@azure/identity';

/** How an identity-based connection gets its tokens (from `<connection>__credential` and `__clientId`). */
export type StorageCredentialSettings =
  | { readonly kind: 'default'; readonly clientId?: string }
  | { readonly kind: 'managedIdentity'; readonly clientId?: string; readonly resourceId?: string }
  /** Tests only: a static token Azurite's `--oauth basic` accepts; refused unless every endpoint is loopback. */
  | { readonly kind: 'azuriteTestToken' };

const credentials = new Map<string, TokenCredential>();

/**
 * The token credential of an identity-based connection, one per distinct setting in the process (each
 * caches its tokens): `DefaultAzureCredential` (a managed identity on Azure, the developer's sign-in
 * elsewhere), or `ManagedIdentityCredential` with `__credential=managedidentity`.
 */
export function storageCredential(settings: StorageCredentialSettings): TokenCredential {
  const key = JSON.stringify(settings);
  let credential = credentials.get(key);
  if (!credential) {
    credential = createCredential(settings);
    credentials.set(key, credential);
  }
  return credential;
}

function createCredential(settings: StorageCredentialSettings): TokenCredential {
  switch (settings.kind) {
    case 'azuriteTestToken':
      return new AzuriteTestTokenCredential();
    case 'managedIdentity':
      if (settings.resourceId) return new ManagedIdentityCredential({ resourceId: settings.resourceId });
      return new ManagedIdentityCredential(settings.clientId ? { clientId: settings.clientId } : {});
    case 'default':
      return new DefaultAzureCredential(
        settings.clientId ? { managedIdentityClientId: settings.clientId } : {},
      );
  }
}

/**
 * Tests only: an unsigned token shaped as Azurite's `--oauth basic` checks it (storage audience, an
 * Entra issuer, a valid lifetime); Azurite does not check signatures, Azure Storage would refuse it.
 * The resolvers (the app's and the embedded host's) allow it for loopback endpoints only.
 */
class AzuriteTestTokenCredential implements TokenCredential {
  getToken(): Promise<AccessToken> {
    const now = Math.floor(Date.now() / 1000);
    const expires = now + 3600;
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const claims = {
      aud: 'https://storage.azure.com',
      iss: 'https://sts.windows.net/00000000-0000-0000-0000-000000000000/',
      iat: now,
      nbf: now - 60,
      exp: expires,
      oid: '00000000-0000-0000-0000-000000000001',
    };
    const token = `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.unsigned`;
    return Promise.resolve({ token, expiresOnTimestamp: expires * 1000 });
  }
}
