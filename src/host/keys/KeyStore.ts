import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { BlobServiceClient, ContainerClient } from '@azure/storage-blob';
import { z } from 'zod';
import type { AuthLevel } from './AuthLevel';
import { hasStatus } from '../storage/storageErrors';

export const secretsContainer = 'azure-webjobs-secrets';

const keySchema = z.object({ name: z.string(), value: z.string(), encrypted: z.boolean().optional() });
type Key = z.infer<typeof keySchema>;
const hostSecretsSchema = z.looseObject({
  masterKey: keySchema,
  functionKeys: z.array(keySchema),
  systemKeys: z.array(keySchema),
});
const functionSecretsSchema = z.looseObject({ keys: z.array(keySchema) });

export interface KeySnapshot {
  master: string;
  host: Record<string, string>;
  system: Record<string, string>;
  functions: Record<string, Record<string, string>>;
}

/**
 * Function keys kept where the Functions host keeps them: blobs `azure-webjobs-secrets/<hostId>/host.json`
 * (master, host and system keys) and `<hostId>/<function>.json`, in the same JSON shape, unencrypted.
 */
export class KeyStore {
  readonly #container: ContainerClient;
  #master: Key | undefined;
  #host: Key[] = [];
  #system: Key[] = [];
  readonly #functions = new Map<string, Key[]>();

  constructor(
    blobs: BlobServiceClient,
    private readonly hostId: string,
  ) {
    this.#container = blobs.getContainerClient(secretsContainer);
  }

  /** Loads the host keys, creating them (and the named system keys) on first use. */
  async load(systemKeyNames: readonly string[] = []): Promise<void> {
    await this.#container.createIfNotExists();
    const secrets = await this.#readOrCreate(`${this.hostId}/host.json`, hostSecretsSchema, () => ({
      masterKey: newKey('master'),
      functionKeys: [newKey('default')],
      systemKeys: [],
      hostName: 'localhost',
      source: 'runtime',
      decryptionKeyId: '',
    }));
    const missing = systemKeyNames.filter((name) => !secrets.systemKeys.some((key) => key.name === name));
    if (missing.length > 0) {
      secrets.systemKeys.push(...missing.map(newKey));
      await this.#write(`${this.hostId}/host.json`, secrets);
    }
    this.#master = secrets.masterKey;
    this.#host = secrets.functionKeys;
    this.#system = secrets.systemKeys;
  }

  /** Loads a function's keys, creating its `default` key on first use. */
  async loadFunction(functionName: string): Promise<void> {
    const secrets = await this.#readOrCreate(
      `${this.hostId}/${functionName.toLowerCase()}.json`,
      functionSecretsSchema,
      () => ({
        keys: [newKey('default')],
        hostName: 'localhost',
        source: 'runtime',
        decryptionKeyId: '',
      }),
    );
    this.#functions.set(functionName.toLowerCase(), secrets.keys);
  }

  /** Whether the key grants the level: master grants all; host keys grant function level; system keys their route. */
  authorizes(
    key: string | undefined,
    level: AuthLevel,
    functionName?: string,
    systemKeyName?: string,
  ): boolean {
    if (level === 'anonymous') return true;
    if (!key) return false;
    if (this.#master && same(key, this.#master.value)) return true;
    if (level === 'system')
      return this.#system.some((entry) => entry.name === systemKeyName && same(key, entry.value));
    if (level !== 'function') return false;
    const functionKeys = functionName ? (this.#functions.get(functionName.toLowerCase()) ?? []) : [];
    return [...this.#host, ...functionKeys].some((entry) => same(key, entry.value));
  }

  systemKey(name: string): string | undefined {
    return this.#system.find((key) => key.name === name)?.value;
  }

  snapshot(): KeySnapshot {
    const toRecord = (keys: Key[]) => Object.fromEntries(keys.map((key) => [key.name, key.value]));
    return {
      master: this.#master?.value ?? '',
      host: toRecord(this.#host),
      system: toRecord(this.#system),
      functions: Object.fromEntries([...this.#functions].map(([name, keys]) => [name, toRecord(keys)])),
    };
  }

  async #readOrCreate<T>(blobName: string, schema: z.ZodType<T>, create: () => T): Promise<T> {
    const blob = this.#container.getBlockBlobClient(blobName);
    for (let attempt = 0; attempt < 3; attempt++) {
      if (await blob.exists()) {
        const text = (await blob.downloadToBuffer()).toString('utf8');
        const parsed = schema.safeParse(JSON.parse(text));
        if (!parsed.success) throw new Error(`${secretsContainer}/${blobName} is not a valid secrets file.`);
        return parsed.data;
      }
      const created = create();
      try {
        await this.#write(blobName, created, true);
        return created;
      } catch (error) {
        if (!hasStatus(error, 409)) throw error;
        // Another host created it first: read theirs.
      }
    }
    throw new Error(`Could not read or create ${secretsContainer}/${blobName}.`);
  }

  async #write(blobName: string, content: unknown, onlyIfNew = false): Promise<void> {
    const text = JSON.stringify(content, null, 2);
    await this.#container.getBlockBlobClient(blobName).upload(text, Buffer.byteLength(text), {
      blobHTTPHeaders: { blobContentType: 'application/json' },
      conditions: onlyIfNew ? { ifNoneMatch: '*' } : undefined,
    });
  }
}

function newKey(name: string): Key {
  // Same form as the real host's keys: 40 random bytes, URL-safe base64, with the trailing "==".
  return { name, value: randomBytes(40).toString('base64url') + '==', encrypted: false };
}

function same(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
