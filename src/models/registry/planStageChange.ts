import { ConflictError } from '../../errors';
import type { ModelStage } from './ModelStage';
import {
  versionKeyOf,
  type AuditRecord,
  type HeadRow,
  type KeyStages,
  type ModelVersionInfo,
  type StagePointers,
} from './registryRows';

/** Who asks for a stage change and why; recorded in the audit row. */
export interface StageActor {
  readonly by: string;
  readonly reason: string;
}

type Move = { version: number; from: ModelStage; to: ModelStage };

/**
 * The rows one stage change writes: the new head, the key's stage row (a model declaring
 * `partitionBy`), the versions that move, the audit record.
 */
export interface StageChangePlan {
  readonly head: Omit<HeadRow, 'etag'>;
  readonly keyStages?: KeyStages;
  readonly moves: readonly Move[];
  readonly audit: AuditRecord;
}

/**
 * Plans moving `target` to `stage` from the head as read. Production and Staging hold one version each:
 * a new production version archives the old one (remembered as `previousProduction` for rollback), a
 * new staging version returns the old one to None. For a model declaring `partitionBy` the same rules
 * hold per key: `keyStages` is the target's key's stage row as read (undefined before its first stage
 * change), only versions of that key move, and the head only counts the audit record. Pure, so the
 * rules are tested without storage.
 */
export function planStageChange(
  head: HeadRow,
  target: ModelVersionInfo,
  stage: ModelStage,
  actor: StageActor & { action: AuditRecord['action']; at: string },
  keyStages?: KeyStages,
): StageChangePlan {
  const { version } = target;
  if (target.stage === stage)
    throw new ConflictError(`${target.name}@${version} is already in stage ${stage}; nothing was changed.`);
  const rest: { -readonly [K in keyof HeadRow]?: HeadRow[K] } = { ...head, auditCount: head.auditCount + 1 };
  delete rest.etag;
  const key = head.partitionBy && versionKeyOf(target.name, head.partitionBy, target);
  const before: StagePointers = key ? (keyStages ?? {}) : head;
  const { pointers, moves } = movePointers(before, target, stage);
  const audit: AuditRecord = {
    sequence: head.auditCount + 1,
    action: actor.action,
    version,
    stage,
    previousStage: target.stage,
    ...(key ? { key } : {}),
    previousProduction: before.production,
    displaced: moves.slice(1),
    by: actor.by,
    reason: actor.reason,
    at: actor.at,
  };
  if (key) return { head: rest as Omit<HeadRow, 'etag'>, keyStages: { key, ...pointers }, moves, audit };
  return { head: { ...(rest as Omit<HeadRow, 'etag'>), ...pointers }, moves, audit };
}

/** The single-version stages after the move, and the versions that move (the target first). */
function movePointers(
  before: StagePointers,
  target: ModelVersionInfo,
  stage: ModelStage,
): { pointers: StagePointers; moves: Move[] } {
  const { version } = target;
  const next: { -readonly [K in keyof StagePointers]: StagePointers[K] } = {
    production: before.production,
    previousProduction: before.previousProduction,
    staging: before.staging,
  };
  const moves: Move[] = [{ version, from: target.stage, to: stage }];
  if (before.production === version) {
    next.production = undefined;
    next.previousProduction = version;
  }
  if (before.staging === version) next.staging = undefined;
  if (stage === 'Production') {
    if (before.production !== undefined && before.production !== version) {
      moves.push({ version: before.production, from: 'Production', to: 'Archived' });
      next.previousProduction = before.production;
    }
    next.production = version;
  }
  if (stage === 'Staging') {
    if (before.staging !== undefined && before.staging !== version)
      moves.push({ version: before.staging, from: 'Staging', to: 'None' });
    next.staging = version;
  }
  if (next.previousProduction === next.production) next.previousProduction = undefined;
  return { pointers: next, moves };
}
