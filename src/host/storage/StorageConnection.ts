import { BlobServiceClient } from '@azure/storage-blob';
import { QueueServiceClient } from '@azure/storage-queue';
import { TableClient, TableServiceClient } from '@azure/data-tables';
import { HostConfigurationError } from '../errors';

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

/** Clients for one storage account, built once from its connection string. */
export class StorageConnection {
  readonly blobs: BlobServiceClient;
  readonly queues: QueueServiceClient;
  readonly tableService: TableServiceClient;
  readonly connectionString: string;
  #blobsWithoutRetries: BlobServiceClient | undefined;

  /** `developmentPorts`: where `UseDevelopmentStorage=true` points (the host's Azurite). */
  constructor(connectionString: string, developmentPorts: AzuritePorts = defaultAzuritePorts) {
    this.connectionString = isDevelopmentStorage(connectionString)
      ? azuriteConnectionString(developmentPorts)
      : connectionString;
    try {
      this.blobs = BlobServiceClient.fromConnectionString(this.connectionString);
      this.queues = QueueServiceClient.fromConnectionString(this.connectionString);
      this.tableService = TableServiceClient.fromConnectionString(this.connectionString, {
        allowInsecureConnection: true,
      });
    } catch (error) {
      throw new HostConfigurationError(`Invalid storage connection string: ${(error as Error).message}`);
    }
  }

  /** Blob clients that try each request once, for callers that handle a failed request themselves. */
  get blobsWithoutRetries(): BlobServiceClient {
    this.#blobsWithoutRetries ??= BlobServiceClient.fromConnectionString(this.connectionString, {
      retryOptions: { maxTries: 1 },
    });
    return this.#blobsWithoutRetries;
  }

  table(name: string): TableClient {
    return TableClient.fromConnectionString(this.connectionString, name, { allowInsecureConnection: true });
  }
}
