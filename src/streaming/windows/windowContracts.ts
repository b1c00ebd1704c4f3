import type { PinnedModel } from '../../runtime/models/LoadedModel';

/** The window orchestration and its activities, by name (registered in functions/streamWindows.ts). */
export const streamWindowOrchestrator = 'streamWindow';
export const windowActivityNames = {
  close: 'closeStreamWindow',
  aggregate: 'aggregateStreamWindow',
  scoreShard: 'scoreStreamWindowShard',
  commit: 'commitStreamWindow',
} as const;
/** The external event that closes a window once the stream's watermark passed its end + lateness. */
export const closeWindowEvent = 'close';

/** What starts a window's orchestration (instance id: windowInstanceId). */
export interface StreamWindowInput {
  readonly stream: string;
  readonly windowStart: number;
  readonly windowEnd: number;
  readonly allowedLatenessMs: number;
  /** The window closes anyway this long after max(end + lateness, its start): an idle stream. */
  readonly idleTimeoutMs: number;
  /** Shards scored at once. */
  readonly maxConcurrency: number;
  /** A window re-opened by late events (`late: "reopen"`) runs again as version 2, 3, ... */
  readonly version?: number;
  /** Versions after the first close on a timer this long after they start: late events in a burst. */
  readonly reopenDelayMs?: number;
}

/** A window of a stream, as every activity receives it. */
export interface WindowRef {
  readonly stream: string;
  readonly windowStart: number;
  readonly windowEnd: number;
  /** Absent: version 1. */
  readonly version?: number;
}

/** A landing blob and the sequence range of its batch: the window holds its events in that range. */
export interface LandingRef {
  readonly name: string;
  readonly partitionId: string;
  readonly firstSequence: number;
  readonly lastSequence: number;
}

export interface CloseResult {
  readonly closedAt: string;
  readonly landings: readonly LandingRef[];
  /** The model that scores this window, pinned at its close; else why there is none. */
  readonly model?: PinnedModel;
  readonly modelError?: string;
  /** Versions after the first: the previous version's counts, to count the late events it adds. */
  readonly previous?: { readonly eventsIn: number; readonly lateEvents: number };
}

export interface AggregateInput extends WindowRef {
  readonly landings: readonly LandingRef[];
}

export interface AggregateResult {
  readonly eventsIn: number;
  readonly duplicates: number;
  readonly keys: number;
  readonly shards: number;
}

export interface ScoreShardInput extends WindowRef {
  readonly shard: number;
  readonly model: PinnedModel;
}

export interface ShardResult {
  readonly shard: number;
  readonly rows: number;
  readonly alerts: number;
  /** The model could not score the shard (it cannot load, features that do not match): not retried. */
  readonly error?: string;
  /** The shard's feature rows and predictions in the pinned version's baseline bins (see planDrift). */
  readonly binCounts?: number[][];
  readonly predictionBinCounts?: number[][];
}

export interface CommitWindowInput extends WindowRef {
  readonly close: CloseResult;
  readonly aggregate?: AggregateResult;
  readonly shards: readonly ShardResult[];
  /** An unexpected failure that ends the window Failed. */
  readonly failure?: string;
}

export interface WindowOutcome {
  readonly stream: string;
  readonly windowStart: string;
  readonly state: 'Committed' | 'Failed';
  readonly version: number;
  readonly scoredRows: number;
  readonly lateEvents: number;
  readonly model?: string;
  readonly reason?: string;
  readonly output?: string;
}
