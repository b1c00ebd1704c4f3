import type { JobInputFormat } from '../runtime/formats/InputFormat';
import type { TraceCarrier } from '../telemetry';
import type { Partition, ScoringSchema } from '../runtime/formats/ScoringBatch';
import type { DriftPlan } from '../runtime/drift/planDrift';
import type { JobStatus } from './JobStore';
import type { ModelSpec, ResolvedJobSpec } from './resolveJobSpec';

/**
 * What starts a scoring orchestration (its instance id is the job id): the spec, already resolved, and
 * the `traceparent` of the job's span, so that every activity's span joins the job's trace.
 */
export interface ScoreJobInput extends TraceCarrier {
  readonly jobId: string;
  readonly spec: ResolvedJobSpec;
  readonly source: 'http' | 'blob';
}

/**
 * The job's model(s) as a strategy planned them (see ModelStrategy): serializable, it travels with the
 * plan to every partition. Strategies add their own fields (the pinned version, each key's version).
 */
export interface ModelPlan {
  readonly kind: ModelSpec['kind'];
  /** Input columns the partitions parse: as numbers (features) and as text (pass-through, keys). */
  readonly schema: ScoringSchema;
  /** Columns the output copies or adds before the predictions, in order. */
  readonly outputColumns: readonly string[];
  /** The model outputs every scored row gets. */
  readonly outputs: readonly { readonly name: string; readonly elementType: string }[];
  /** For the job row: the model's name, and its version when there is one. */
  readonly label: { readonly name: string; readonly version?: number };
  /** Things the user should know (e.g. a non-tensor model output that is skipped). */
  readonly notes: readonly string[];
  /** How the job measures its input drift; absent where drift does not apply (images, keyed jobs). */
  readonly drift?: DriftPlan;
}

/** Everything the partitions need, decided once before the fan-out. */
export interface JobPlan {
  readonly jobId: string;
  readonly input: {
    readonly container: string;
    /** The file; for image jobs, the prefix of the images' names. */
    readonly blob: string;
    /** The file's version; empty for image jobs (each partition pins its images' versions). */
    readonly etag: string;
    readonly bytes: number;
    readonly format: JobInputFormat;
    readonly delimiter: string;
  };
  readonly header: readonly string[];
  readonly model: ModelPlan;
  readonly output: ResolvedJobSpec['output'];
  readonly totalRows: number;
  readonly maxConcurrency: number;
  readonly errorThreshold: ResolvedJobSpec['errorThreshold'];
  readonly retry: ResolvedJobSpec['retry'];
  /** The job's span, parent of each partition's and the commit's. */
  readonly trace?: TraceCarrier;
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
  /** Per-feature counts of the scored rows in the baseline's bins (see ModelPlan.drift). */
  readonly binCounts?: number[][];
  /** Per-output counts of the predictions in the prediction baseline's bins (see ModelPlan.drift). */
  readonly predictionBinCounts?: number[][];
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

export interface FailJobInput extends TraceCarrier {
  /** Absent when the orchestration was started without a job (e.g. by hand with no input). */
  readonly jobId?: string;
  readonly reason: string;
}

export const scoringActivityNames = {
  prepare: 'prepareScoreJob',
  scorePartition: 'scorePartition',
  commit: 'commitScoreJob',
  fail: 'failScoreJob',
} as const;
