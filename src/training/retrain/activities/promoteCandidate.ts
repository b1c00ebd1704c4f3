import { ConflictError, NotFoundError } from '../../../errors';
import type { PromoteInput, PromoteResult } from '../retrainContracts';
import type { RetrainServices } from '../RetrainServices';
import { withRunStep } from '../retrainSpans';

/**
 * Moves the candidate to Production (the registry archives the previous one, atomically and audited),
 * unless the production version changed while the run was going: a person's or another run's promotion
 * is never overridden by a comparison made against the version it replaced.
 */
export function promoteCandidate(input: PromoteInput, services: RetrainServices): Promise<PromoteResult> {
  return withRunStep('promoteCandidate', input, input.trace, () => promote(input, services));
}

async function promote(input: PromoteInput, services: RetrainServices): Promise<PromoteResult> {
  const current = await services.registry
    .resolve({ name: input.model, stage: 'Production' })
    .catch((error: unknown) => {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    });
  if (current?.version === input.version)
    return { promoted: true, reason: input.reason, productionVersion: input.version };
  if (current?.version !== input.expectedProduction) {
    const now = current === undefined ? 'none' : `version ${current.version}`;
    const then = input.expectedProduction === undefined ? 'none' : `version ${input.expectedProduction}`;
    return {
      promoted: false,
      reason: `Not promoted: production changed during the run (${then} when it started, ${now} now); the candidate was compared with the old one. Run again to compare with the new one. (${input.reason})`,
      productionVersion: current?.version,
    };
  }
  try {
    await services.registry.setStage(input.model, input.version, 'Production', {
      by: `retrain run ${input.runId}`,
      reason: input.reason,
    });
  } catch (error) {
    // A redelivered step after the promotion committed finds the candidate in Production already.
    const now = await services.registry
      .resolve({ name: input.model, stage: 'Production' })
      .catch(() => undefined);
    if (!(error instanceof ConflictError) || now?.version !== input.version) throw error;
  }
  return { promoted: true, reason: input.reason, productionVersion: input.version };
}
