/**
 * An event as a window keeps it in its landing blob: what the window's aggregates need and where the
 * event came from (partition and sequence number identify it, so a window counts it once).
 */
export interface LandedEvent {
  readonly key: unknown;
  readonly partitionId: string;
  readonly sequenceNumber: number;
  /** Epoch milliseconds: the event time field's, else the enqueued time. */
  readonly eventTime: number;
  /** The fields the window's features aggregate. */
  readonly values: Readonly<Record<string, number>>;
}

/** A window's features for one key, in the definition's feature order. */
export interface FeatureRow {
  readonly key: unknown;
  readonly features: Readonly<Record<string, number>>;
}
