import { ConflictError } from '../../errors';
import type { ModelStage } from './ModelStage';
import type { AuditRecord, HeadRow, ModelVersionInfo } from './registryRows';

/** Who asks for a stage change and why; recorded in the audit row. */
export interface StageActor {
  readonly by: string;
  readonly reason: string;
}

/** The rows one stage change writes: the new head, the versions that move, the audit record. */
export interface StageChangePlan {
  readonly head: Omit<HeadRow, 'etag'>;
  readonly moves: readonly { version: number; from: ModelStage; to: ModelStage }[];
  readonly audit: AuditRecord;
}

/**
 * Plans moving `target` to `stage` from the head as read. Production and Staging hold one version each:
 * a new production version archives the old one (remembered as `previousProduction` for rollback), a
 * new staging version returns the old one to None. Pure, so the rules are tested without storage.
 */
export function planStageChange(
  head: HeadRow,
  target: ModelVersionInfo,
  stage: ModelStage,
  actor: StageActor & { action: AuditRecord['action']; at: string },
): StageChangePlan {
  const { version } = target;
  if (target.stage === stage)
    throw new ConflictError(`${target.name}@${version} is already in stage ${stage}; nothing was changed.`);
  const next: { -readonly [K in keyof HeadRow]?: HeadRow[K] } = { ...head, auditCount: head.auditCount + 1 };
  delete next.etag;
  const moves: { version: number; from: ModelStage; to: ModelStage }[] = [
    { version, from: target.stage, to: stage },
  ];
  if (head.production === version) {
    next.production = undefined;
    next.previousProduction = version;
  }
  if (head.staging === version) next.staging = undefined;
  if (stage === 'Production') {
    if (head.production !== undefined && head.production !== version) {
      moves.push({ version: head.production, from: 'Production', to: 'Archived' });
      next.previousProduction = head.production;
    }
    next.production = version;
  }
  if (stage === 'Staging') {
    if (head.staging !== undefined && head.staging !== version)
      moves.push({ version: head.staging, from: 'Staging', to: 'None' });
    next.staging = version;
  }
  if (next.previousProduction === next.production) next.previousProduction = undefined;
  return {
    head: next as Omit<HeadRow, 'etag'>,
    moves,
    audit: {
      sequence: head.auditCount + 1,
      action: actor.action,
      version,
      stage,
      previousStage: target.stage,
      previousProduction: head.production,
      displaced: moves.slice(1),
      by: actor.by,
      reason: actor.reason,
      at: actor.at,
    },
  };
}
