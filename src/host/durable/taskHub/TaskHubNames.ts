/** Resource names as the Durable Task Azure Storage provider names them, so Storage Explorer shows the familiar picture. */
export class TaskHubNames {
  readonly instancesTable: string;
  readonly historyTable: string;
  readonly workItemQueue: string;
  readonly largeMessagesContainer: string;

  constructor(
    readonly hubName: string,
    readonly partitionCount: number,
  ) {
    if (!/^[A-Za-z][A-Za-z0-9]{2,44}$/.test(hubName)) {
      throw new Error(
        `Task hub name "${hubName}" is invalid: use 3-45 letters and digits, starting with a letter (host.json extensions.durableTask.hubName).`,
      );
    }
    const lower = hubName.toLowerCase();
    this.instancesTable = `${hubName}Instances`;
    this.historyTable = `${hubName}History`;
    this.workItemQueue = `${lower}-workitems`;
    this.largeMessagesContainer = `${lower}-largemessages`;
  }

  controlQueue(partition: number): string {
    return `${this.hubName.toLowerCase()}-control-${String(partition).padStart(2, '0')}`;
  }

  /** The control-queue partition of an instance: a stable hash of its id, as the provider does. */
  partitionOf(instanceId: string): number {
    let hash = 2166136261;
    for (const char of instanceId) {
      hash ^= char.charCodeAt(0);
      hash = Math.imul(hash, 16777619) >>> 0;
    }
    return hash % this.partitionCount;
  }
}
