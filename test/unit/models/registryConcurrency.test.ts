import { ConflictError } from '../../../src/errors';
import { BarrierStorage, linearModel, registryOn, testRegistry } from './registryTestKit';

// Races on one model: numbering under concurrent registrations, and promotions from the same state.

describe('concurrent registrations', () => {
  it('get distinct, consecutive version numbers, each with its own bytes', async () => {
    const { registry } = testRegistry();
    const count = 8;
    const registered = await Promise.all(
      Array.from({ length: count }, (_, index) =>
        registry.register({
          name: 'busy',
          onnx: linearModel(index),
          card: { tags: { index: String(index) } },
        }),
      ),
    );
    expect(registered.map((version) => version.version).sort((a, b) => a - b)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8,
    ]);
    const overview = await registry.model('busy');
    expect(overview.latestVersion).toBe(count);
    for (const version of registered) {
      const stored = await registry.resolve({ name: 'busy', tags: { index: version.tags.index ?? '' } });
      expect(stored.version).toBe(version.version);
      expect((await registry.load(stored)).onnx.equals(linearModel(Number(version.tags.index)))).toBe(true);
    }
  });
});

describe('registrations from two registries on one table (two hosts)', () => {
  it('number versions in turn and keep the stage changes the other made in between', async () => {
    // Two registries: each keeps its own copy of the head it last wrote.
    const { registry: first, storage, table, container } = testRegistry();
    const second = registryOn(storage, table, container);
    const numbers: number[] = [];
    for (let round = 0; round < 3; round++) {
      numbers.push((await first.register({ name: 'shared', onnx: linearModel(2 * round) })).version);
      numbers.push((await second.register({ name: 'shared', onnx: linearModel(2 * round + 1) })).version);
    }
    // The second registry promotes a version the first one has not seen; the first registers again.
    await second.setStage('shared', 6, 'Production', { by: 'second', reason: 'release' });
    numbers.push((await first.register({ name: 'shared', onnx: linearModel(99) })).version);
    expect(numbers).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const overview = await first.model('shared');
    expect(overview).toMatchObject({ latestVersion: 7, production: 6 });
    expect(overview.audit.map((record) => record.version)).toEqual([6]);
    expect((await first.load(overview.versions[6]!)).onnx.equals(linearModel(99))).toBe(true);
  });
});

describe('concurrent promotions from the same state', () => {
  it('exactly one wins; the others get a ConflictError saying what happened, and change nothing', async () => {
    const racers = 4;
    const { registry: setup, table, container } = testRegistry();
    for (let version = 1; version <= racers + 1; version++)
      await setup.register({ name: 'race', onnx: linearModel(version) });
    await setup.setStage('race', 1, 'Production', { by: 'setup', reason: 'baseline' });
    // Every racer reads the model before any of them writes.
    const racing = registryOn(new BarrierStorage(racers), table, container);
    const outcomes = await Promise.allSettled(
      Array.from({ length: racers }, (_, index) =>
        racing.setStage('race', index + 2, 'Production', { by: `racer${index}`, reason: `try ${index}` }),
      ),
    );
    const winners = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
    const losers = outcomes.flatMap((outcome) =>
      outcome.status === 'rejected' ? [outcome.reason as Error] : [],
    );
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(racers - 1);
    const winner = winners[0]!.audit;
    for (const loser of losers) {
      expect(loser).toBeInstanceOf(ConflictError);
      expect(loser.message).toContain('lost a race with another stage change of race');
      expect(loser.message).toContain(
        `race@${winner.version} went from None to Production (promote by ${winner.by} at ${winner.at}: ${winner.reason})`,
      );
      expect(loser.message).toContain('Nothing was changed by this request');
    }
    const overview = await setup.model('race');
    expect(overview).toMatchObject({ production: winner.version, previousProduction: 1 });
    expect(overview.audit).toHaveLength(2);
    expect(overview.versions.filter((version) => version.stage === 'Production')).toHaveLength(1);
    expect(overview.versions.find((version) => version.version === 1)?.stage).toBe('Archived');
  });

  it('a registration racing a promotion does not make the promotion fail', async () => {
    const { registry: setup, table, container } = testRegistry();
    await setup.register({ name: 'mixed', onnx: linearModel(1) });
    const racing = registryOn(new BarrierStorage(2), table, container);
    const [promoted, registered] = await Promise.all([
      racing.setStage('mixed', 1, 'Production', { by: 'a', reason: 'release' }),
      racing.register({ name: 'mixed', onnx: linearModel(2) }),
    ]);
    expect(promoted.audit.version).toBe(1);
    expect(registered.version).toBe(2);
    expect(await setup.model('mixed')).toMatchObject({ latestVersion: 2, production: 1 });
  });
});
