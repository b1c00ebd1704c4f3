/** One event of a batch as the Event Hub trigger delivers it. */
export interface StreamEvent {
  /** The body as the functions library gives it: parsed JSON, else the text. */
  readonly body: unknown;
  readonly sequenceNumber: number;
  readonly enqueuedTimeUtc: string;
}

/** The events of one trigger invocation: one partition, in sequence order. */
export interface StreamBatch {
  readonly partitionId: string;
  readonly events: readonly StreamEvent[];
}

interface EventHubBatchMetadata {
  readonly partitionContext?: { readonly partitionId?: string };
  readonly sequenceNumberArray?: readonly number[];
  readonly enqueuedTimeUtcArray?: readonly string[];
}

/**
 * The batch a `cardinality: many` Event Hub trigger received, from its messages and trigger metadata
 * (the same shape on Azure and on the embedded host).
 */
export function streamBatchOf(messages: readonly unknown[], triggerMetadata: unknown): StreamBatch {
  const metadata = (triggerMetadata ?? {}) as EventHubBatchMetadata;
  const partitionId = metadata.partitionContext?.partitionId;
  const sequenceNumbers = metadata.sequenceNumberArray;
  if (partitionId === undefined || sequenceNumbers?.length !== messages.length)
    throw new Error(
      'The Event Hub trigger gave no partition id or not one sequence number per event: a stream needs cardinality "many".',
    );
  return {
    partitionId,
    events: messages.map((body, index) => ({
      body,
      sequenceNumber: Number(sequenceNumbers[index]),
      enqueuedTimeUtc: String(metadata.enqueuedTimeUtcArray?.[index] ?? ''),
    })),
  };
}

/**
 * Epoch milliseconds of an event's enqueued time as the trigger gives it: UTC, written without a zone
 * (`2024-05-01T10:20:30.25`, a .NET DateTime), which `Date.parse` alone would read as local time. A time
 * that names its zone keeps it. NaN when there is none.
 */
export function enqueuedTimeMs(text: string): number {
  if (text === '') return NaN;
  return Date.parse(/(?:Z|[+-]\d\d:?\d\d)$/i.test(text) || !text.includes('T') ? text : `${text}Z`);
}
