import type { InputFormat, JobSpec } from '../jobs/JobSpec';
import type { KeyedScoringPlan } from '../manyModels/scoring/keyedModels';
import type { JobStatus } from '../jobs/JobStore';
import type { Partition, ScoringSchema } from './ScoringBatch';
import type { FeatureMapping } from './ScoringPorts';

/** What starts a scoring orchestration (its instance id is the job id). */
export interface ScoreJobInput {
  readonly jobId: string;
  readonly spec: JobSpec;
  readonly source: 'http' | 'blob';
  /** For blob drops: the version that fired, so the job scores exactly those bytes. */
  readonly inputEtag?: string;
}

/** Everything the partitions need, decided once before the fan-out. */
export interface JobPlan {
  readonly jobId: string;
  readonly input: {
    container: string;
    blob: string;
    etag: string;
    bytes: number;
    format: InputFormat;
    delimiter: string;
  };
  readonly header: readonly string[];
  /** The model of a plain job; a keyed job has `keyed` instead (a version per key). */
  readonly model?: { name: string; version: string; sha256: string };
  readonly keyed?: KeyedScoringPlan;
  readonly mapping: FeatureMapping;
  readonly schema: ScoringSchema;
  readonly output: { container: string; prefix: string; format: InputFormat; summaryOnly: boolean };
  readonly totalRows: number;
  readonly maxConcurrency: number;
  readonly maxBadRows: number;
  readonly maxFailedPartitions: number;
  readonly retry: { maxAttempts: number; firstRetryIntervalMs: number };
  /** Things the user should know (e.g. a non-tensor model output that is skipped). */
  readonly notes: readonly string[];
}

export type PrepareResult =
  { ok: true; plan: JobPlan; partitions: Partition[] } | { ok: false; reason: string };

export interface ScorePartitionInput {
  readonly plan: JobPlan;
  readonly partition: Partition;
}

export interface PartitionResult {
  readonly index: number;
  readonly firstRow: number;
  readonly rows: number;
  readonly scoredRows: number;
  readonly badRows: number;
  /** Bytes staged as this partition's block of the output and of the error report. */
  readonly outputBytes: number;
  readonly errorBytes: number;
  readonly attempts: number;
  readonly durationMs: number;
  /** Set when the partition could not be scored after its retries. */
  readonly failure?: string;
}

export interface CommitInput {
  readonly plan: JobPlan;
  readonly partitions: readonly Partition[];
  readonly results: readonly PartitionResult[];
}

export interface JobOutcome {
  readonly jobId: string;
  readonly status: JobStatus;
  readonly reason?: string;
  readonly manifest?: string;
}

export interface FailJobInput {
  readonly jobId: string;
  readonly reason: string;
}

/** Progress published as the orchestration's custom status. */
export interface JobProgress {
  readonly partitions: number;
  readonly partitionsDone: number;
  readonly scoredRows: number;
  readonly badRows: number;
}

export const scoringActivityNames = {
  prepare: 'prepareScoreJob',
  scorePartition: 'scorePartition',
  commit: 'commitScoreJob',
  fail: 'failScoreJob',
} as const;
