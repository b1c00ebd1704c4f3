import type { StreamDefinition } from './StreamDefinition';

/** The last event the Event Hubs service holds in a partition of a stream's hub. */
export interface PartitionTail {
  readonly partitionId: string;
  /** -1 for a partition that never held an event. */
  readonly lastEnqueuedSequenceNumber: number;
  readonly lastEnqueuedTimeUtc?: string;
}

/** Reads each partition's tail of a stream's hub (for its lag), through the stream's connection. */
export interface PartitionTails {
  read(stream: StreamDefinition): Promise<PartitionTail[]>;
}
