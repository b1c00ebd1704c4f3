import { ConflictError, ValidationError } from '../../../src/errors';
import { linearModel, testRegistry } from './registryTestKit';
import { rejection } from '../../support/rejection';

// Per-key stages on the test Azurite: a model registered with `partitionBy` keeps one production
// version per key; a plain model keeps one for the whole model.

const { registry } = testRegistry();
const actor = { by: 'tester', reason: 'test' };
const name = 'keyed';

function keyVersion(seed: number, store: string) {
  return {
    name,
    onnx: linearModel(seed),
    card: { tags: { store, trainingRun: `run-${seed}` } },
    partitionBy: ['store'],
  };
}

beforeAll(async () => {
  // v1, v2: store 1; v3, v4: store 2.
  const outcomes = await registry.registerAll(name, [
    keyVersion(1, '1'),
    keyVersion(2, '1'),
    keyVersion(3, '2'),
    keyVersion(4, '2'),
  ]);
  expect(outcomes.map((outcome) => outcome.status)).toEqual(Array(4).fill('fulfilled'));
});

it('promoting a version archives only the production version of its own key', async () => {
  await registry.setStage(name, 1, 'Production', actor);
  await registry.setStage(name, 3, 'Production', actor);
  const change = await registry.setStage(name, 2, 'Production', { by: 'bob', reason: 'better' });
  expect(change.audit).toMatchObject({
    version: 2,
    key: { store: '1' },
    previousProduction: 1,
    displaced: [{ version: 1, from: 'Production', to: 'Archived' }],
  });
  const model = await registry.model(name);
  expect(model).toMatchObject({ partitionBy: ['store'], latestVersion: 4 });
  expect(model.production).toBeUndefined();
  expect(model.versions.map((version) => version.stage)).toEqual([
    'Archived',
    'Production',
    'Production',
    'None',
  ]);
  expect(model.keys).toEqual([
    { key: { store: '1' }, production: 2, previousProduction: 1 },
    { key: { store: '2' }, production: 3 },
  ]);
  expect((await registry.resolve({ name, tags: { store: '2' }, stage: 'production' })).version).toBe(3);
});

it('name@production of a per-key model is a conflict that says the model is per key', async () => {
  const error = await rejection(registry.resolve(`${name}@production`));
  expect(error).toBeInstanceOf(ConflictError);
  expect(error.message).toMatch(
    /^Model "keyed" has one production version per store, not one for the whole model/,
  );
});

it("rollback of a per-key model needs the key and restores that key's previous version", async () => {
  expect(await rejection(registry.rollback(name, actor))).toBeInstanceOf(ValidationError);
  const change = await registry.rollback(name, actor, { store: '1' });
  expect(change.audit).toMatchObject({ version: 1, key: { store: '1' }, stage: 'Production' });
  expect(await registry.keyStages(name, { store: '1' })).toEqual({
    key: { store: '1' },
    production: 1,
    previousProduction: 2,
  });
  expect((await registry.resolve(`${name}@3`)).stage).toBe('Production');
  const none = await rejection(registry.rollback(name, actor, { store: '2' }));
  expect(none).toBeInstanceOf(ConflictError);
  expect(none.message).toBe(
    'The key store=2 of model "keyed" has no previous production version to roll back to.',
  );
});

it('a registration must carry the key tags and keep the declared columns', async () => {
  const [untagged] = await registry.registerAll(name, [{ ...keyVersion(5, '1'), card: { tags: {} } }]);
  expect(untagged).toMatchObject({ status: 'rejected' });
  expect(String((untagged as PromiseRejectedResult).reason)).toContain('needs the tag store: its key');
  const other = await rejection(
    registry.register({
      ...keyVersion(6, '1'),
      card: { tags: { store: '1', region: 'n' } },
      partitionBy: ['region'],
    }),
  );
  expect(other).toBeInstanceOf(ConflictError);
  expect(other.message).toContain('is per store; this registration declares region');
});

it('a plain model with a production version cannot become per key', async () => {
  await registry.register({ name: 'plain', onnx: linearModel(1), card: { tags: { store: '1' } } });
  await registry.setStage('plain', 1, 'Production', actor);
  const error = await rejection(registry.register({ ...keyVersion(2, '1'), name: 'plain' }));
  expect(error).toBeInstanceOf(ConflictError);
  expect((await registry.resolve('plain@production')).version).toBe(1);
});
