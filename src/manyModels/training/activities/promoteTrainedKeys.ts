import { ConflictError } from '../../../errors';
import { decidePromotion } from '../../../training';
import type { ManyModelsTrainingServices } from '../ManyModelsTrainingServices';
import type { KeyPromotion, PromoteKeysInput, PromotionReport } from '../trainManyContracts';

/** What the gate compares, as the report says it. */
export const comparedMetrics =
  "each key's new version and its production version run through onnxruntime on the new version's holdout rows; where production's features or forecasting spec differ, production's recorded holdout metric (per key: compared)";

type Version = Awaited<ReturnType<ManyModelsTrainingServices['registry']['catalog']>>['versions'][number];

/**
 * The per-key promotion gate: each trained key's new version against its key's production version
 * (the retraining policy's `decidePromotion` on their recorded holdout metrics), and the versions that
 * pass moved to Production, one audited stage change each (per-key stages: only the key's previous
 * production version is archived). The model's versions are read once. A key whose production version
 * is already the new one (an earlier try of this step) counts as promoted; a stage change that fails
 * is that key's decision, not the step's failure.
 */
export async function promoteTrainedKeys(
  input: PromoteKeysInput,
  services: Pick<ManyModelsTrainingServices, 'registry'>,
): Promise<PromotionReport> {
  const { registry } = services;
  const keyIdOf = (tags: Readonly<Record<string, string>>) =>
    JSON.stringify(input.keyColumns.map((column) => tags[column] ?? null));
  const production = new Map<string, Version>();
  for (const version of (await registry.catalog(input.model)).versions) {
    if (version.stage !== 'Production') continue;
    const id = keyIdOf(version.tags);
    if (version.version > (production.get(id)?.version ?? 0)) production.set(id, version);
  }
  const by = `trainMany run ${input.runId}`;
  const keys: KeyPromotion[] = [];
  for (const trained of input.trained) {
    const current = production.get(keyIdOf(trained.key));
    const base = { key: trained.key, version: trained.version };
    if (current?.version === trained.version) {
      keys.push({ ...base, promoted: true, reason: 'Promoted by an earlier try of this step.' });
      continue;
    }
    // Production on this version's holdout when it was judged there (and is still production), else
    // its recorded metrics.
    const judged =
      trained.productionOnHoldout?.version === current?.version ? trained.productionOnHoldout : undefined;
    const decision = decidePromotion(
      input.policy,
      judged?.candidateMetrics ?? trained.metrics,
      current && (judged ?? { version: current.version, metrics: current.metrics }),
    );
    const compared = {
      ...(decision.candidateValue === undefined ? {} : { candidateValue: decision.candidateValue }),
      ...(current === undefined ? {} : { productionVersion: current.version }),
      ...(decision.productionValue === undefined ? {} : { productionValue: decision.productionValue }),
      ...(current === undefined ? {} : { compared: judged ? ('holdout' as const) : ('recorded' as const) }),
    };
    if (!decision.promote) {
      keys.push({ ...base, promoted: false, reason: decision.reason, ...compared });
      continue;
    }
    try {
      await registry.setStage(input.model, trained.version, 'Production', { by, reason: decision.reason });
      keys.push({ ...base, promoted: true, reason: decision.reason, ...compared });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const already = error instanceof ConflictError && message.includes('is already in stage Production');
      keys.push({
        ...base,
        promoted: already,
        reason: already ? decision.reason : `The gate passed, but the stage change failed: ${message}`,
        ...compared,
      });
    }
  }
  const promoted = keys.filter((key) => key.promoted).length;
  return {
    policy: input.policy,
    compared: comparedMetrics,
    promoted,
    notPromoted: keys.length - promoted,
    keys,
  };
}
