import type { Partition, ScoredPartition } from '../../runtime/formats/ScoringBatch';
import type { JobPlan, ModelPlanRequest, ModelStrategy } from '../../scoring';
import type { KeyedScoringPlan } from './keyedModels';
import { planKeyedScoring } from './planKeyedScoring';
import { scoreKeyedPartition, type KeyedScoringRuntime } from './scoreKeyedPartition';

/**
 * Many models in batch scoring: each row is scored by the version of a model tagged with the row's key
 * (`model: { name, partitionBy }` in a job spec). Registered with batch scoring by the composition
 * root; scoring itself never names it.
 */
export class KeyedModelStrategy implements ModelStrategy {
  readonly kind = 'keyed';

  constructor(private readonly runtime: KeyedScoringRuntime) {}

  plan(request: ModelPlanRequest): Promise<KeyedScoringPlan> {
    return planKeyedScoring(request, this.runtime);
  }

  scorePartition(plan: JobPlan, partition: Partition): Promise<ScoredPartition> {
    return scoreKeyedPartition(plan, keyedPlanOf(plan), partition, this.runtime);
  }

  /** The model name, key columns, how many keys had a version, and where each key's version is listed. */
  describe(plan: JobPlan) {
    const keyed = keyedPlanOf(plan);
    return {
      model: {
        name: keyed.name,
        partitionBy: keyed.partitionBy,
        stage: keyed.stage,
        upToVersion: keyed.upToVersion,
        keys: keyed.keys,
        versions: `${plan.output.container}/${keyed.modelsBlob}`,
        fallback:
          keyed.fallback.kind === 'model'
            ? {
                model: {
                  name: keyed.fallback.model.name,
                  version: keyed.fallback.model.version,
                  sha256: keyed.fallback.model.sha256,
                },
              }
            : 'error',
      },
    };
  }
}

function keyedPlanOf(plan: JobPlan): KeyedScoringPlan {
  if (plan.model.kind !== 'keyed') throw new Error(`Job ${plan.jobId}: the plan is not a keyed one`);
  return plan.model as KeyedScoringPlan;
}
