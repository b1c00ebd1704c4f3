import type { StorageConnection } from '../../storage/StorageConnection';
import { HistoryStore } from './HistoryStore';
import { InstanceStore } from './InstanceStore';
import { LargePayloads } from './LargePayloads';
import { MessageQueues } from './MessageQueues';
import { TaskHubNames } from './TaskHubNames';

/** All durable state of one task hub in one storage account. */
export class TaskHub {
  readonly names: TaskHubNames;
  readonly payloads: LargePayloads;
  readonly instances: InstanceStore;
  readonly history: HistoryStore;
  readonly queues: MessageQueues;

  constructor(
    private readonly storage: StorageConnection,
    hubName: string,
    partitionCount: number,
  ) {
    this.names = new TaskHubNames(hubName, partitionCount);
    this.payloads = new LargePayloads(storage.blobs.getContainerClient(this.names.largeMessagesContainer));
    this.instances = new InstanceStore(storage.table(this.names.instancesTable), this.payloads);
    this.history = new HistoryStore(storage.table(this.names.historyTable), this.payloads);
    this.queues = new MessageQueues(storage.queues, this.names, this.payloads);
  }

  async ensure(): Promise<void> {
    await Promise.all([
      this.storage.tableService.createTable(this.names.instancesTable),
      this.storage.tableService.createTable(this.names.historyTable),
      this.payloads.ensure(),
      this.queues.ensure(),
    ]);
  }
}
