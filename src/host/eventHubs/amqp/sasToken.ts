import { createHmac, timingSafeEqual } from 'node:crypto';
import { AmqpError, conditions } from './AmqpError';

/** A shared access key the endpoint accepts, by its name (as a namespace's SAS policies). */
export interface SharedAccessKey {
  readonly name: string;
  readonly key: string;
}

/** What a valid token grants: the entity path it was made for (lower case, no slashes at the ends) until it expires. */
export interface Claim {
  readonly path: string;
  readonly expiresAt: Date;
}

/** The key Microsoft's Event Hubs emulator accepts by default, documented with its connection string. */
export const emulatorKey: SharedAccessKey = { name: 'RootManageSharedAccessKey', key: 'SAS_KEY_VALUE' };

/**
 * Checks a `SharedAccessSignature sr=...&sig=...&se=...&skn=...` token as Event Hubs does: the signature
 * is the HMAC-SHA256, under the named key, of the URL-encoded resource, a newline and the expiry (seconds
 * since 1970). Errors carry the service's status (401) and wording.
 */
export function verifySasToken(token: string, keys: readonly SharedAccessKey[], now = new Date()): Claim {
  const prefix = 'SharedAccessSignature ';
  if (!token.startsWith(prefix)) throw invalid('InvalidToken: The token is not a shared access signature.');
  const fields = new Map<string, string>();
  for (const part of token.slice(prefix.length).split('&')) {
    const equals = part.indexOf('=');
    if (equals > 0) fields.set(part.slice(0, equals).trim().toLowerCase(), part.slice(equals + 1).trim());
  }
  const resource = fields.get('sr');
  const signature = fields.get('sig');
  const expiry = fields.get('se');
  const keyName = fields.get('skn');
  if (!resource || !signature || !expiry || !keyName) {
    throw invalid('InvalidToken: The token must carry sr, sig, se and skn.');
  }
  const key = keys.find((candidate) => candidate.name === safeDecode(keyName));
  const expected = key
    ? createHmac('sha256', key.key).update(`${resource}\n${expiry}`, 'utf8').digest()
    : undefined;
  const given = Buffer.from(safeDecode(signature), 'base64');
  // An unknown key name and a wrong signature read the same, so key names cannot be probed.
  if (!expected || expected.length !== given.length || !timingSafeEqual(expected, given)) {
    throw invalid('InvalidSignature: The token has an invalid signature.');
  }
  const expiresAt = new Date(Number(expiry) * 1000);
  if (!Number.isFinite(expiresAt.getTime()) || expiresAt <= now) {
    throw invalid(
      `ExpiredToken: The token is expired. Expiration time: '${isoOrRaw(expiresAt, expiry)}', Current time: '${now.toISOString()}'.`,
    );
  }
  return { path: entityPathOf(safeDecode(resource)), expiresAt };
}

/** The entity path of an audience or address (`sb://host/hub/Partitions/0` → `hub/partitions/0`), lower case. */
export function entityPathOf(audienceOrAddress: string): string {
  const withoutScheme = audienceOrAddress.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '');
  return withoutScheme.replace(/^\/+|\/+$/g, '').toLowerCase();
}

/** Whether a claim covers an entity path: the namespace, the entity itself, or one of its parents. */
export function claimCovers(claim: Claim, path: string, now = new Date()): boolean {
  if (claim.expiresAt <= now) return false;
  return claim.path === '' || path === claim.path || path.startsWith(`${claim.path}/`);
}

function invalid(description: string): AmqpError {
  return new AmqpError(conditions.unauthorized, description, 401);
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function isoOrRaw(date: Date, raw: string): string {
  return Number.isFinite(date.getTime()) ? date.toISOString() : raw;
}
