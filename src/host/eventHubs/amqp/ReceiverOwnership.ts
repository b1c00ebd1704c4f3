import { AmqpError, conditions } from './AmqpError';

/** A receiver on one partition of a consumer group, as ownership sees it. */
export interface PartitionReceiver {
  readonly name: string;
  /** The owner level (`com.microsoft:epoch`), when the receiver asked for one. */
  readonly ownerLevel?: number;
  /** Ends the receiver with the error the service gives a receiver that lost its partition. */
  disconnect(error: AmqpError): void;
}

/** Event Hubs' quota of receivers without an owner level per partition and consumer group. */
export const maxReceiversPerPartition = 5;

/**
 * Who may read each partition of each consumer group, as Event Hubs decides it: a receiver with an owner
 * level at least as high as every other takes the partition and the others are disconnected; a lower
 * one, or one without a level while a levelled one reads, is refused; at most five receivers without a
 * level read at once.
 */
export class ReceiverOwnership {
  readonly #partitions = new Map<string, Set<PartitionReceiver>>();

  /** Admits a receiver, disconnecting those it takes over from; throws the service's error if refused. */
  admit(key: string, receiver: PartitionReceiver): void {
    const current = this.#partitions.get(key) ?? new Set<PartitionReceiver>();
    const owner = [...current].find((other) => other.ownerLevel !== undefined);
    if (receiver.ownerLevel === undefined) {
      if (owner) {
        throw new AmqpError(
          conditions.linkStolen,
          `Receiver '${receiver.name}' without an epoch cannot be created: receiver '${owner.name}' with epoch '${owner.ownerLevel}' owns the partition.`,
          409,
        );
      }
      if (current.size >= maxReceiversPerPartition) {
        throw new AmqpError(
          conditions.resourceLimit,
          `Exceeded the maximum number of allowed receivers per partition in a consumer group which is ${maxReceiversPerPartition}. List of connected receivers - ${[...current].map((other) => other.name).join(', ')}.`,
          403,
        );
      }
    } else if (owner && owner.ownerLevel! > receiver.ownerLevel) {
      throw new AmqpError(
        conditions.linkStolen,
        `Receiver '${receiver.name}' with epoch '${receiver.ownerLevel}' cannot be created: receiver '${owner.name}' with the higher epoch '${owner.ownerLevel}' owns the partition.`,
        409,
      );
    } else {
      for (const other of current) {
        current.delete(other);
        other.disconnect(
          new AmqpError(
            conditions.linkStolen,
            `New receiver '${receiver.name}' with higher epoch of '${receiver.ownerLevel}' is created hence current receiver '${other.name}' with epoch '${other.ownerLevel ?? 0}' is getting disconnected. If you are recreating the receiver, make sure a higher epoch is used.`,
            409,
          ),
        );
      }
    }
    current.add(receiver);
    this.#partitions.set(key, current);
  }

  /** Forgets a receiver that closed. */
  release(key: string, receiver: PartitionReceiver): void {
    const current = this.#partitions.get(key);
    if (!current) return;
    current.delete(receiver);
    if (current.size === 0) this.#partitions.delete(key);
  }
}
