import type { Partition, ScoredPartition } from '../runtime/formats/ScoringBatch';
import { ValidationError } from '../errors';
import type { JobPlan, ModelPlan } from './jobContracts';
import type { ModelSpec, ResolvedJobSpec } from './resolveJobSpec';

/** What a strategy knows when it plans a job's model: the spec and what the input holds. */
export interface ModelPlanRequest {
  readonly jobId: string;
  readonly spec: ResolvedJobSpec;
  readonly header: readonly string[];
  /** Columns whose sampled values are numbers (for models without a card naming their features). */
  readonly numericColumns: readonly string[];
}

/**
 * How a job's rows meet its model(s): one model for every row (scoring's own), or a version per key
 * (many models, registered by the composition root). Batch scoring plans, scores and describes through
 * this interface and never names a strategy.
 */
export interface ModelStrategy {
  readonly kind: ModelSpec['kind'];
  /**
   * Decides the model(s) once, before the fan-out: resolves and pins the versions and maps the input's
   * columns to them. Problems a person must fix are ValidationErrors or NotFoundErrors.
   */
  plan(request: ModelPlanRequest): Promise<ModelPlan>;
  /** Scores one partition of the pinned input with exactly the planned versions. */
  scorePartition(plan: JobPlan, partition: Partition): Promise<ScoredPartition>;
  /** The manifest's `model` section, and the feature columns when they are the same for every row. */
  describe(plan: JobPlan): { readonly model: unknown; readonly featureColumns?: readonly string[] };
}

export type ModelStrategies = Readonly<Partial<Record<ModelSpec['kind'], ModelStrategy>>>;

/** The strategy for a kind of model spec; an app without it says so, naming the field. */
export function strategyFor(strategies: ModelStrategies, kind: ModelSpec['kind']): ModelStrategy {
  const strategy = strategies[kind];
  if (strategy) return strategy;
  throw new ValidationError(`Job spec field "model": ${kind} models are not available in this app.`, {
    field: 'model',
  });
}
