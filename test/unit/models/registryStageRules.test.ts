import { ConflictError } from '../../../src/errors';
import type { ModelStage } from '../../../src/models/registry/ModelStage';
import { planStageChange } from '../../../src/models/registry/planStageChange';
import type { HeadRow, ModelVersionInfo } from '../../../src/models/registry/registryRows';

// The stage rules without storage: which versions move, and what the head remembers.

const head: HeadRow = {
  latestVersion: 5,
  production: 2,
  previousProduction: 1,
  staging: 4,
  auditCount: 7,
  etag: 'e',
};
const actor = { by: 'tester', reason: 'why', action: 'promote' as const, at: '2026-01-01T00:00:00.000Z' };

function version(number: number, stage: ModelStage): ModelVersionInfo {
  return {
    name: 'm',
    version: number,
    stage,
    files: 'blobs',
    sha256: 'a'.repeat(64),
    bytes: 1,
    createdAt: '',
    tags: {},
    metrics: {},
  };
}

describe('planStageChange', () => {
  it.each<
    [string, ModelVersionInfo, ModelStage, Partial<HeadRow>, { version: number; from: string; to: string }[]]
  >([
    [
      'staging → production archives the production version and frees staging',
      version(4, 'Staging'),
      'Production',
      { production: 4, previousProduction: 2, staging: undefined },
      [
        { version: 4, from: 'Staging', to: 'Production' },
        { version: 2, from: 'Production', to: 'Archived' },
      ],
    ],
    [
      'a new staging version returns the old one to None',
      version(5, 'None'),
      'Staging',
      { production: 2, previousProduction: 1, staging: 5 },
      [
        { version: 5, from: 'None', to: 'Staging' },
        { version: 4, from: 'Staging', to: 'None' },
      ],
    ],
    [
      'archiving the production version leaves no production version; it becomes the previous one',
      version(2, 'Production'),
      'Archived',
      { production: undefined, previousProduction: 2, staging: 4 },
      [{ version: 2, from: 'Production', to: 'Archived' }],
    ],
  ])('%s', (_what, target, stage, expectedHead, moves) => {
    const plan = planStageChange(head, target, stage, actor);
    expect(plan.head).toEqual({ latestVersion: 5, auditCount: 8, ...expectedHead });
    expect(plan.moves).toEqual(moves);
    expect(plan.audit).toMatchObject({ sequence: 8, version: target.version, stage, previousProduction: 2 });
  });

  it('a version already in the stage is a ConflictError', () => {
    expect(() => planStageChange(head, version(2, 'Production'), 'Production', actor)).toThrow(ConflictError);
  });
});

describe('planStageChange for a model declaring partitionBy', () => {
  const keyedHead: HeadRow = {
    latestVersion: 6,
    partitionBy: ['store', 'product'],
    auditCount: 3,
    etag: 'e',
  };
  function keyed(number: number, stage: ModelStage, store: string, product = 'p'): ModelVersionInfo {
    return { ...version(number, stage), tags: { store, product, trainingRun: 'r' } };
  }

  it("a key's first production version moves that version only; the head counts the audit record", () => {
    const plan = planStageChange(keyedHead, keyed(5, 'None', '1'), 'Production', actor, undefined);
    expect(plan.head).toEqual({ latestVersion: 6, partitionBy: ['store', 'product'], auditCount: 4 });
    expect(plan.keyStages).toEqual({ key: { store: '1', product: 'p' }, production: 5 });
    expect(plan.moves).toEqual([{ version: 5, from: 'None', to: 'Production' }]);
    expect(plan.audit).toMatchObject({ sequence: 4, key: { store: '1', product: 'p' }, displaced: [] });
  });

  it("a new production version archives the key's previous one, not another key's", () => {
    const stages = { key: { store: '1', product: 'p' }, production: 2, previousProduction: 1 };
    const plan = planStageChange(keyedHead, keyed(5, 'None', '1'), 'Production', actor, stages);
    expect(plan.keyStages).toEqual({ ...stages, production: 5, previousProduction: 2 });
    expect(plan.moves).toEqual([
      { version: 5, from: 'None', to: 'Production' },
      { version: 2, from: 'Production', to: 'Archived' },
    ]);
    expect(plan.audit).toMatchObject({ previousProduction: 2, displaced: [plan.moves[1]] });
    expect(plan.head).not.toHaveProperty('production');
  });

  it('staging and archiving follow the same rules within the key', () => {
    const stages = { key: { store: '2', product: 'p' }, production: 3, staging: 4 };
    const staged = planStageChange(keyedHead, keyed(6, 'None', '2'), 'Staging', actor, stages);
    expect(staged.keyStages).toEqual({ ...stages, staging: 6 });
    expect(staged.moves[1]).toEqual({ version: 4, from: 'Staging', to: 'None' });
    const archived = planStageChange(keyedHead, keyed(3, 'Production', '2'), 'Archived', actor, stages);
    expect(archived.keyStages).toEqual({ key: stages.key, previousProduction: 3, staging: 4 });
  });

  it('a version without every key tag is refused, naming the missing tags', () => {
    const untagged = { ...version(5, 'None'), tags: { store: '1' } };
    expect(() => planStageChange(keyedHead, untagged, 'Production', actor, undefined)).toThrow(
      'm@5 has no product tag: "m" keeps one production version per store × product',
    );
  });
});
