import type { PromotionPolicy } from '../../training';
import type { KeyPartition } from './partitionsManifest';
import type { ProductionOnHoldout } from './productionOnHoldout';
import type { SeriesTrainingOptions } from './trainSeries';

export const trainManyOrchestrator = 'trainMany';
/** One bounded group of keys: the unit of fan-out under `trainMany`. */
export const trainManyChunkOrchestrator = 'trainManyChunk';

/** Instance id of a run's chunk `index` (the run reads their progress by it). */
export function chunkInstanceId(runId: string, index: number): string {
  return `${runId}-chunk-${index}`;
}

/** A run's custom status: the step it is at, with the key and chunk counts once listed. */
export interface TrainManyProgress {
  readonly step: 'train' | 'promote' | 'report';
  readonly keys: number;
  readonly chunks: number;
}

/** A chunk's custom status after each wave of activity calls. */
export interface ChunkStatus {
  readonly keys: number;
  readonly trained: number;
  readonly failed: number;
  readonly attempt: number;
}

export const trainManyActivityNames = {
  list: 'listTrainingPartitions',
  train: 'trainPartitions',
  promote: 'promoteTrainedKeys',
  finish: 'finishTrainMany',
} as const;

/** Where the partitioned data set lives: `<container>/<prefix>/_partitions.json` and one CSV per key. */
export interface DatasetLocation {
  readonly container: string;
  /** Folder of the partitions; '' for the container's root. */
  readonly prefix: string;
}

/** How the run fans out; every field has a default. */
export interface FanOutOptions {
  /** Keys per sub-orchestration (default 500). */
  readonly keysPerChunk: number;
  /** Keys trained by one activity call, one after another (default 4). */
  readonly keysPerActivity: number;
  /** Activity calls in flight per sub-orchestration (default 8). */
  readonly concurrency: number;
  /** Tries per key for faults that may pass (default 3); bad data is not retried. */
  readonly maxAttempts: number;
  /** Wait before a key's second try, doubled for each further try (default 1000 ms). */
  readonly retryIntervalMs: number;
}

/** What starts `trainMany`; its instance id is the run id. */
export interface TrainManyInput {
  readonly runId: string;
  readonly model: string;
  readonly dataset: DatasetLocation;
  readonly training: SeriesTrainingOptions;
  readonly fanOut: FanOutOptions;
  /** Train only these keys (e.g. the failed keys of an earlier run). */
  readonly keys?: readonly Readonly<Record<string, string>>[];
  /** The per-key gate: each trained key's version is promoted when it passes (none: registered only). */
  readonly policy?: PromotionPolicy;
  readonly requestedBy?: string;
  /** How the run was started: `schedule` for the declared data sets' timers (default: `http`). */
  readonly trigger?: 'http' | 'schedule';
}

/** The data set's partitions, or why there are none to train (a missing or bad manifest, an unknown key). */
export type ListPartitionsResult =
  | {
      readonly ok: true;
      readonly keyColumns: readonly string[];
      readonly partitions: readonly KeyPartition[];
    }
  | { readonly ok: false; readonly reason: string };

/** A sub-orchestration's share of the run. */
export interface TrainChunkInput {
  readonly runId: string;
  readonly model: string;
  readonly dataset: DatasetLocation;
  readonly training: SeriesTrainingOptions;
  readonly fanOut: FanOutOptions;
  readonly keyColumns: readonly string[];
  readonly partitions: readonly KeyPartition[];
  readonly policy?: PromotionPolicy;
}

/** One activity call: a few keys trained and registered one after another. */
export interface TrainPartitionsInput {
  readonly runId: string;
  readonly model: string;
  readonly dataset: DatasetLocation;
  readonly training: SeriesTrainingOptions;
  readonly keyColumns: readonly string[];
  readonly partitions: readonly KeyPartition[];
  /** 1 for the first try of these keys. */
  readonly attempt: number;
  /** Run each key's production version on the new version's holdout (for the promotion gate). */
  readonly judgeProduction?: boolean;
}

export interface TrainedKey {
  readonly key: Readonly<Record<string, string>>;
  readonly path: string;
  readonly version: number;
  /** True when an earlier try had registered it already (a retried or redelivered call). */
  readonly existing: boolean;
  readonly metrics: Readonly<Record<string, number>>;
  readonly alpha: number;
  readonly trainRows: number;
  readonly holdoutRows: number;
  readonly droppedRows: number;
  readonly attempts: number;
  /** Its activity call's time (download, training, the batch registration) shared among the call's keys. */
  readonly durationMs: number;
  /** The key's production version on this version's holdout, when the run gates and the two compare. */
  readonly productionOnHoldout?: ProductionOnHoldout;
}

export interface FailedKey {
  readonly key: Readonly<Record<string, string>>;
  readonly path: string;
  readonly reason: string;
  /** False for bad data (retrying cannot help); true for faults that ran out of tries. */
  readonly retryable: boolean;
  /** Tries made; 0 when its chunk failed as a whole (how far it got is not known). */
  readonly attempts: number;
}

export type KeyResult = ({ readonly ok: true } & TrainedKey) | ({ readonly ok: false } & FailedKey);

export interface ChunkResult {
  readonly trained: readonly TrainedKey[];
  readonly failed: readonly FailedKey[];
}

export interface MetricSummary {
  readonly keys: number;
  readonly mean: number;
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

/** The gate's step: each trained key's version against the key's production version. */
export interface PromoteKeysInput {
  readonly runId: string;
  readonly model: string;
  readonly keyColumns: readonly string[];
  readonly policy: PromotionPolicy;
  readonly trained: readonly Pick<TrainedKey, 'key' | 'version' | 'metrics' | 'productionOnHoldout'>[];
}

/** One key's gate decision, with the numbers compared. */
export interface KeyPromotion {
  readonly key: Readonly<Record<string, string>>;
  readonly version: number;
  readonly promoted: boolean;
  /** One sentence with the numbers compared (the retraining policy's wording). */
  readonly reason: string;
  readonly candidateValue?: number;
  /** The key's production version before this run, and its metric value compared. */
  readonly productionVersion?: number;
  readonly productionValue?: number;
  /**
   * `holdout`: production was run on the new version's holdout rows; `recorded`: its recorded metric
   * (its own holdout's) was used, its features or spec being another's; absent without production.
   */
  readonly compared?: 'holdout' | 'recorded';
}

/** The gate's part of the run report. */
export interface PromotionReport {
  readonly policy: PromotionPolicy;
  /** What was compared, in words (each key's `compared` says which way it went). */
  readonly compared: string;
  readonly promoted: number;
  readonly notPromoted: number;
  readonly keys: readonly KeyPromotion[];
  /** Why the gate did not run to its end (the keys it decided before are listed). */
  readonly error?: string;
}

export type TrainManyStatus = 'Succeeded' | 'PartiallySucceeded' | 'Failed';

/** The run report: `<runs container>/many-models/<model>/<runId>.json`, and the orchestration's output. */
export interface TrainManyReport {
  readonly runId: string;
  readonly model: string;
  readonly dataset: DatasetLocation;
  readonly status: TrainManyStatus;
  /** Why the run failed as a whole (no partitions, a bad manifest, an unexpected fault). */
  readonly reason?: string;
  readonly startedAt: string;
  readonly completedAt: string;
  readonly keyColumns: readonly string[];
  readonly keys: { readonly total: number; readonly trained: number; readonly failed: number };
  readonly chunks: number;
  /** Holdout metrics over the trained keys. */
  readonly metrics: Readonly<Record<string, MetricSummary>>;
  readonly durations: {
    readonly totalMs: number;
    /** Sum of the keys' `durationMs`. */
    readonly keysMs: number;
    readonly slowestKeyMs: number;
  };
  readonly trained: readonly TrainedKey[];
  readonly failed: readonly FailedKey[];
  /** The per-key promotion gate's decisions, when the run has a policy. */
  readonly promotion?: PromotionReport;
  /** `container/path` of the report blob. */
  readonly reportBlob: string;
}

export type FinishTrainManyInput = Omit<
  TrainManyReport,
  'reportBlob' | 'metrics' | 'durations' | 'keys' | 'status'
> & {
  readonly reason?: string;
};
