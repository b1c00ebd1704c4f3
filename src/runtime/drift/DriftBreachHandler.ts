/** A job or stream window whose drift breached its model's threshold. */
export interface DriftBreach {
  readonly source: 'job' | 'window';
  /** The job id, or `<stream>:<windowId>`. */
  readonly id: string;
  readonly model: string;
  readonly modelVersion?: number;
  readonly completedTime: string;
  /** What breached: feature names, and outputs as `prediction:<output>`. */
  readonly breached: readonly string[];
}

/** What the response to a breach did: the retrain run it started or found, or why none started. */
export type BreachResponse =
  { readonly retrainRun: string; readonly started: boolean } | { readonly error: string };

/**
 * The response to a breach of a model whose card sets `drift.retrainOnBreach`: a port implemented at the
 * composition root (by training's retrain start), so that scoring and streaming need not know training.
 */
export type DriftBreachHandler = (breach: DriftBreach) => Promise<BreachResponse>;
