import type { TransactionAction } from '@azure/data-tables';
import { ConflictError, NotFoundError, ValidationError } from '../../errors';
import type { ModelStage } from './ModelStage';
import { planStageChange, type StageActor } from './planStageChange';
import {
  auditToEntity,
  headToEntity,
  keyStagesToEntity,
  versionKeyOf,
  versionRowKey,
  type AuditRecord,
  type HeadRow,
  type ModelVersionInfo,
} from './registryRows';
import type { RegistryTable } from './RegistryTable';

const maxStageAttempts = 10;

export interface StageChange {
  readonly name: string;
  readonly audit: AuditRecord;
}

/**
 * Moves a version to a stage as one transaction with its audit record, under the head row's ETag.
 * `pick` chooses the version and stage from the head it is given. A registration that moved the head
 * meanwhile is retried; another stage change wins, and this one fails saying what happened.
 */
export async function changeStage(
  table: RegistryTable,
  now: () => Date,
  name: string,
  actor: StageActor,
  action: 'promote' | 'rollback',
  pick: (head: HeadRow) => Promise<{ target: ModelVersionInfo; stage: ModelStage }>,
): Promise<StageChange> {
  if (actor.reason.trim() === '')
    throw new ValidationError('Give a reason for the stage change.', { field: 'reason' });
  for (let attempt = 1; ; attempt++) {
    const head = await table.head(name);
    if (!head) throw new NotFoundError(`Model "${name}" is not registered.`);
    const { target, stage } = await pick(head);
    const at = now().toISOString();
    // A per-key model: the target's key's stage row, read under the head's ETag (every stage change
    // moves the head, so the row cannot change unseen before the transaction commits).
    const keyStages =
      head.partitionBy &&
      (await table.keyStages(name, head.partitionBy, versionKeyOf(name, head.partitionBy, target)));
    const plan = planStageChange(head, target, stage, { ...actor, action, at }, keyStages);
    const actions: TransactionAction[] = [
      ['update', headToEntity(name, plan.head), 'Replace', { etag: head.etag }],
      ...(plan.keyStages && head.partitionBy
        ? [
            [
              'upsert',
              keyStagesToEntity(name, head.partitionBy, plan.keyStages),
              'Replace',
            ] as TransactionAction,
          ]
        : []),
      ...plan.moves.map((move): TransactionAction => [
        'update',
        { partitionKey: name, rowKey: versionRowKey(move.version), stage: move.to, stageChangedAt: at },
        'Merge',
      ]),
      ['create', auditToEntity(name, plan.audit)],
    ];
    if ((await table.transact(actions)) === 'committed') return { name, audit: plan.audit };
    const current = await table.head(name);
    // Only a registration moved the head (a new number): the stages are as read, so try again.
    if (current && current.auditCount === head.auditCount && attempt < maxStageAttempts) continue;
    throw await conflict(table, name, target.version, stage, head.auditCount);
  }
}

async function conflict(
  table: RegistryTable,
  name: string,
  version: number,
  stage: ModelStage,
  seenAuditCount: number,
) {
  const since = (await table.audit(name)).filter((record) => record.sequence > seenAuditCount);
  const what = since
    .map(
      (record) =>
        `${name}@${record.version}${record.key ? ` (${keyText(record.key)})` : ''} went from ${record.previousStage} to ${record.stage} (${record.action} by ${record.by} at ${record.at}: ${record.reason})`,
    )
    .join('; ');
  return new ConflictError(
    `Moving ${name}@${version} to ${stage} lost a race with another stage change of ${name}: ${what || 'the model changed'}. ` +
      'Nothing was changed by this request; look at the model again and repeat it if it still makes sense.',
  );
}

function keyText(key: Readonly<Record<string, string>>): string {
  return Object.entries(key)
    .map(([column, value]) => `${column}=${value}`)
    .join(', ');
}
