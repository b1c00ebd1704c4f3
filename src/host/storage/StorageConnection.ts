import { TableClient, TableServiceClient } from '@azure/data-tables';
import type { TokenCredential } from '@azure/identity';
import { BlobServiceClient, type StoragePipelineOptions } from '@azure/storage-blob';
import { QueueServiceClient } from '@azure/storage-queue';
import { HostConfigurationError } from '../errors';
import {
  serviceEndpoint,
  type StorageConnectionSettings,
  type StorageService,
} from './resolveStorageConnection';
import { storageCredential } from '../../identity/storageCredential';

export const developmentAccountName = 'devstoreaccount1';
// Azurite's well-known development key (public, documented by Microsoft; not a secret).
export const developmentAccountKey =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface AzuritePorts {
  blob: number;
  queue: number;
  table: number;
}

export const defaultAzuritePorts: AzuritePorts = { blob: 10000, queue: 10001, table: 10002 };

export function isDevelopmentStorage(connectionString: string): boolean {
  return /^\s*UseDevelopmentStorage\s*=\s*true\s*;?\s*$/i.test(connectionString);
}

/** The connection string of an Azurite listening on loopback at the given ports. */
export function azuriteConnectionString(ports: AzuritePorts, host = '127.0.0.1'): string {
  return [
    'DefaultEndpointsProtocol=http',
    `AccountName=${developmentAccountName}`,
    `AccountKey=${developmentAccountKey}`,
    `BlobEndpoint=http://${host}:${ports.blob}/${developmentAccountName}`,
    `QueueEndpoint=http://${host}:${ports.queue}/${developmentAccountName}`,
    `TableEndpoint=http://${host}:${ports.table}/${developmentAccountName}`,
  ].join(';');
}

/**
 * Clients for one storage account, built on first use from its connection string or identity settings.
 * A service the identity settings give no endpoint for fails when first used, naming the setting.
 */
export class StorageConnection {
  readonly settings: StorageConnectionSettings;
  /** The connection string, when the connection has one (`UseDevelopmentStorage=true` resolved). */
  readonly connectionString: string | undefined;
  readonly #usedBy: string;
  #blobs: BlobServiceClient | undefined;
  #queues: QueueServiceClient | undefined;
  #tableService: TableServiceClient | undefined;
  #blobsWithoutRetries: BlobServiceClient | undefined;

  /**
   * A connection string or resolved settings; `developmentPorts`: where `UseDevelopmentStorage=true`
   * points (the host's Azurite).
   */
  constructor(
    connection: string | StorageConnectionSettings,
    developmentPorts: AzuritePorts = defaultAzuritePorts,
    usedBy = 'The host',
  ) {
    this.settings =
      typeof connection === 'string'
        ? { kind: 'connectionString', name: defaultSettingName, connectionString: connection }
        : connection;
    this.#usedBy = usedBy;
    if (this.settings.kind === 'connectionString') {
      const value = this.settings.connectionString;
      this.connectionString = isDevelopmentStorage(value) ? azuriteConnectionString(developmentPorts) : value;
      // Parsed now, so that a malformed string stops start-up rather than the first request.
      this.#blobs = this.#fromConnectionString(() =>
        BlobServiceClient.fromConnectionString(this.connectionString!),
      );
    }
  }

  get blobs(): BlobServiceClient {
    this.#blobs ??= this.#blobClient();
    return this.#blobs;
  }

  get queues(): QueueServiceClient {
    this.#queues ??= this.connectionString
      ? this.#fromConnectionString(() => QueueServiceClient.fromConnectionString(this.connectionString!))
      : new QueueServiceClient(this.#endpoint('queue'), this.#credential());
    return this.#queues;
  }

  get tableService(): TableServiceClient {
    this.#tableService ??= this.connectionString
      ? this.#fromConnectionString(() =>
          TableServiceClient.fromConnectionString(this.connectionString!, { allowInsecureConnection: true }),
        )
      : new TableServiceClient(this.#endpoint('table'), this.#credential());
    return this.#tableService;
  }

  /** Blob clients that try each request once, for callers that handle a failed request themselves. */
  get blobsWithoutRetries(): BlobServiceClient {
    this.#blobsWithoutRetries ??= this.#blobClient({ retryOptions: { maxTries: 1 } });
    return this.#blobsWithoutRetries;
  }

  table(name: string): TableClient {
    if (this.connectionString) {
      return TableClient.fromConnectionString(this.connectionString, name, { allowInsecureConnection: true });
    }
    return new TableClient(this.#endpoint('table'), name, this.#credential());
  }

  /** Fails now, naming the setting, unless the connection reaches every one of these services. */
  assertServices(services: readonly StorageService[], usedBy: string): void {
    if (this.settings.kind === 'identity')
      for (const service of services) serviceEndpoint(this.settings, service, usedBy);
  }

  #blobClient(options?: StoragePipelineOptions): BlobServiceClient {
    if (this.connectionString) {
      return this.#fromConnectionString(() =>
        BlobServiceClient.fromConnectionString(this.connectionString!, options),
      );
    }
    return new BlobServiceClient(this.#endpoint('blob'), this.#credential(), options);
  }

  #endpoint(service: StorageService): string {
    if (this.settings.kind !== 'identity')
      throw new Error('A connection-string connection has no identity endpoints.');
    return serviceEndpoint(this.settings, service, this.#usedBy);
  }

  #credential(): TokenCredential {
    if (this.settings.kind !== 'identity')
      throw new Error('A connection-string connection has no credential.');
    return storageCredential(this.settings.credential);
  }

  #fromConnectionString<T>(build: () => T): T {
    try {
      return build();
    } catch (error) {
      throw new HostConfigurationError(
        `The app setting "${this.settings.name}" is not a valid storage connection string: ${(error as Error).message}`,
      );
    }
  }
}

const defaultSettingName = 'AzureWebJobsStorage';
