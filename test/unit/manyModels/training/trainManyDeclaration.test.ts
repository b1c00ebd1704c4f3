import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ValidationError } from '../../../../src/errors';
import {
  defaultTrainManySchedule,
  loadTrainManyDeclarations,
  parseTrainManyDeclaration,
} from '../../../../src/manyModels/training/TrainManyDeclaration';

// The declared data sets (`manyModels/*.json`): a train request with a schedule and a per-key policy.

const base = {
  model: 'oj.sales',
  dataset: { container: 'training-data', prefix: 'oj' },
  target: 'Quantity',
  time: 'WeekStarting',
};

it('fills in the daily schedule, the fan-out and the policy defaults (r2, higher is better)', () => {
  const declaration = parseTrainManyDeclaration({ ...base, policy: { floor: 0.3 } }, 'manyModels/oj.json');
  expect(declaration).toMatchObject({
    file: 'manyModels/oj.json',
    functionName: 'trainManyOnSchedule-oj_sales',
    schedule: defaultTrainManySchedule,
    request: {
      model: 'oj.sales',
      dataset: base.dataset,
      training: { target: 'Quantity', time: 'WeekStarting' },
      fanOut: { keysPerChunk: 500, concurrency: 8 },
      policy: { metric: 'r2', direction: 'higher', minImprovement: 0, floor: 0.3 },
    },
  });
  const lower = parseTrainManyDeclaration({ ...base, policy: { metric: 'rmse' } }, 'f.json');
  expect(lower.request.policy).toEqual({ metric: 'rmse', direction: 'lower', minImprovement: 0 });
  expect(parseTrainManyDeclaration(base, 'f.json').request).not.toHaveProperty('policy');
});

it.each<[string, Record<string, unknown>, string]>([
  ['a schedule that is not NCRONTAB', { schedule: 'daily' }, 'field "schedule"'],
  ['a metric a forecaster does not report', { policy: { metric: 'accuracy' } }, 'field "policy.metric"'],
  ['keys (a request field, not a declaration one)', { keys: [{ Store: '2' }] }, '(keys)'],
])('refuses %s, naming the file and the field', (_, change, expected) => {
  let error: unknown;
  try {
    parseTrainManyDeclaration({ ...base, ...change }, 'manyModels/oj.json');
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(ValidationError);
  expect((error as Error).message).toContain('Many-models declaration manyModels/oj.json');
  expect((error as Error).message).toContain(expected);
});

it('loads a folder in name order; a missing folder declares nothing; a model declared twice is refused', () => {
  expect(loadTrainManyDeclarations(path.join(os.tmpdir(), 'no-such-folder-here'))).toEqual([]);
  const folder = mkdtempSync(path.join(os.tmpdir(), 'mm-decl-'));
  writeFileSync(path.join(folder, 'b.json'), JSON.stringify({ ...base, model: 'b' }));
  writeFileSync(path.join(folder, 'a.json'), JSON.stringify(base));
  expect(loadTrainManyDeclarations(folder).map((d) => d.request.model)).toEqual(['oj.sales', 'b']);
  writeFileSync(path.join(folder, 'c.json'), JSON.stringify(base));
  expect(() => loadTrainManyDeclarations(folder)).toThrow(
    /c\.json: model "oj\.sales" is already declared by .*a\.json/,
  );
});
