import type { DriftBreachHandler, BreachResponse } from '../../runtime/drift/DriftBreachHandler';
import { planDrift } from '../../runtime/drift/planDrift';
import { recordDrift } from '../../runtime/drift/recordDrift';
import { jobDriftStatusOf, summarizeDrift, type DriftReport } from '../../runtime/drift/summarizeDrift';
import type { PinnedModel } from '../../runtime/models/LoadedModel';
import type { StreamDefinition } from '../StreamDefinition';
import type { StreamingServices } from '../StreamingServices';
import type { ShardResult } from './windowContracts';
import { windowKeyOf } from './windowNames';

/** A committed window's drift: for its manifest (`drift`) and its row (`driftStatus`). */
export interface WindowDrift {
  readonly report: DriftReport & { readonly retrain?: BreachResponse };
  readonly status: ReturnType<typeof jobDriftStatusOf>;
}

/**
 * The drift of a committed window's scored feature rows and predictions against the pinned version's
 * baselines, from the shards' bin counts: recorded in the `drift` table (partition
 * `window:<stream>:<window key>`, head row `window`), as metrics, and handed to `onBreach` where the
 * card asks for a retrain. A version with no baseline is recorded as such.
 */
export async function measureWindowDrift(
  stream: StreamDefinition,
  window: { readonly start: number; readonly committedAt: string },
  pinned: PinnedModel,
  shards: readonly ShardResult[],
  services: StreamingServices,
  onBreach?: DriftBreachHandler,
): Promise<WindowDrift> {
  // The shards loaded the same pinned version: this finds it loaded.
  const { model, mapping } = await services.models.forPinned(stream, pinned);
  const plan = planDrift(
    model.card,
    mapping.featureColumns,
    mapping.outputs.map((output) => output.name),
  );
  const report = summarizeDrift(plan, shards);
  const retrain = await recordDrift(
    {
      source: 'window',
      id: `${stream.name}:${windowKeyOf(window.start)}`,
      model: pinned.name,
      modelVersion: pinned.version,
      completedTime: window.committedAt,
      report,
    },
    {
      store: services.drift,
      retrainOnBreach: plan.kind === 'baseline' && plan.retrainOnBreach === true,
      onBreach,
    },
  );
  return { report: retrain ? { ...report, retrain } : report, status: jobDriftStatusOf(report) };
}
