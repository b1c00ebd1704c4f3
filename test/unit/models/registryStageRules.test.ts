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
