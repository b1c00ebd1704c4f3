import { TableClient } from '@azure/data-tables';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { QueueServiceClient, type QueueClient } from '@azure/storage-queue';
import { serviceEndpoint, type StorageAccount, type StorageService } from './StorageAccount';
import { storageCredential } from '../identity/storageCredential';

/**
 * Storage clients for one account, from a connection string or identity settings (resolveStorageAccount).
 * With identity, a service the settings give no endpoint for fails when first used, naming the setting.
 */
export class StorageClients {
  readonly #account: StorageAccount;
  #blobs: BlobServiceClient | undefined;
  #queues: QueueServiceClient | undefined;
  readonly #tables = new Map<string, TableClient>();
  readonly #ensured = new Set<string>();

  constructor(account: string | StorageAccount) {
    this.#account =
      typeof account === 'string'
        ? { kind: 'connectionString', name: 'AzureWebJobsStorage', connectionString: account }
        : account;
    // A connection string is parsed now: a malformed one fails at start-up, not at the first request.
    if (this.#account.kind === 'connectionString') this.#blobs = this.blobs;
  }

  get blobs(): BlobServiceClient {
    this.#blobs ??=
      this.#account.kind === 'connectionString'
        ? BlobServiceClient.fromConnectionString(this.#account.connectionString)
        : new BlobServiceClient(this.#endpoint('blob'), this.#credential());
    return this.#blobs;
  }

  get queues(): QueueServiceClient {
    this.#queues ??=
      this.#account.kind === 'connectionString'
        ? QueueServiceClient.fromConnectionString(this.#account.connectionString)
        : new QueueServiceClient(this.#endpoint('queue'), this.#credential());
    return this.#queues;
  }

  /** Fails now, naming the setting, unless the account reaches every one of these services. */
  assertServices(services: readonly StorageService[]): void {
    const account = this.#account;
    if (account.kind === 'identity') for (const service of services) serviceEndpoint(account, service);
  }

  /** A queue client; the queue is created on first use. */
  async queue(name: string): Promise<QueueClient> {
    const queue = this.queues.getQueueClient(name);
    if (!this.#ensured.has(`queue:${name}`)) {
      await queue.createIfNotExists();
      this.#ensured.add(`queue:${name}`);
    }
    return queue;
  }

  container(name: string): ContainerClient {
    return this.blobs.getContainerClient(name);
  }

  /** A table client; the table is created on first use. */
  async table(name: string): Promise<TableClient> {
    let client = this.#tables.get(name);
    if (!client) {
      client =
        this.#account.kind === 'connectionString'
          ? TableClient.fromConnectionString(this.#account.connectionString, name, {
              allowInsecureConnection: true,
            })
          : new TableClient(this.#endpoint('table'), name, this.#credential());
      this.#tables.set(name, client);
    }
    if (!this.#ensured.has(name)) {
      await client.createTable();
      this.#ensured.add(name);
    }
    return client;
  }

  async ensureContainer(name: string): Promise<ContainerClient> {
    const container = this.container(name);
    if (!this.#ensured.has(`container:${name}`)) {
      await container.createIfNotExists();
      this.#ensured.add(`container:${name}`);
    }
    return container;
  }

  #endpoint(service: StorageService): string {
    if (this.#account.kind !== 'identity')
      throw new Error('A connection string account has no identity endpoints.');
    return serviceEndpoint(this.#account, service);
  }

  #credential() {
    if (this.#account.kind !== 'identity') throw new Error('A connection string account has no credential.');
    return storageCredential(this.#account.credential);
  }
}
