import { TableClient } from '@azure/data-tables';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { QueueServiceClient, type QueueClient } from '@azure/storage-queue';

/** Storage clients built once from the app's connection string. */
export class StorageClients {
  readonly blobs: BlobServiceClient;
  readonly queues: QueueServiceClient;
  readonly #tables = new Map<string, TableClient>();
  readonly #ensured = new Set<string>();

  constructor(private readonly connectionString: string) {
    this.blobs = BlobServiceClient.fromConnectionString(connectionString);
    this.queues = QueueServiceClient.fromConnectionString(connectionString);
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
      client = TableClient.fromConnectionString(this.connectionString, name, {
        allowInsecureConnection: true,
      });
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
}
