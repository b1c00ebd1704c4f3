import type { DurableClient } from 'durable-functions';
import type { BreachResponse, DriftBreach } from '../../runtime/drift/DriftBreachHandler';
import { compactTime } from './compactTime';
import { startRetrain } from './startRetrain';

/**
 * A drift-triggered run: one id per model per hour of the breach (UTC), so a burst of breaching jobs
 * and windows in that hour starts one run, and a later breach in the same hour none.
 */
export function driftRunId(model: string, breachTime: Date): string {
  const hour = new Date(Math.floor(breachTime.getTime() / 3_600_000) * 3_600_000);
  return `${model}-drift-${compactTime(hour)}`;
}

/**
 * Starts (or finds) the drift run of a breach's model, trigger `drift`; its request reason, kept in the
 * run report, names the job or window that breached and what breached.
 */
export async function retrainOnDrift(client: DurableClient, breach: DriftBreach): Promise<BreachResponse> {
  const runId = driftRunId(breach.model, new Date(breach.completedTime));
  const version = breach.modelVersion === undefined ? '' : ` of version ${breach.modelVersion}`;
  const reason = `Drift breach in ${breach.source} ${breach.id}${version}: ${breach.breached.join(', ')}`;
  const started = await startRetrain(client, {
    runId,
    model: breach.model,
    trigger: 'drift',
    overrides: { reason: reason.length > 500 ? `${reason.slice(0, 497)}...` : reason },
  });
  return { retrainRun: runId, started };
}
