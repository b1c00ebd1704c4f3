import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConflictError, NotFoundError, ValidationError } from '../../../src/errors';
import { RegistryBlobs } from '../../../src/models/registry/RegistryBlobs';
import { diabetesCard, diabetesOnnx, linearModel, registryOn, testRegistry } from './registryTestKit';
import { rejection } from '../../support/rejection';

// The registry on the test Azurite: registration, resolution, stages, rollback and integrity.

const { registry, storage, table, container } = testRegistry();
const actor = { by: 'tester', reason: 'test' };

/** The test registry, or one on the same table and container that keeps every version's files in blobs. */
function registryKeeping(files: 'row' | 'blobs') {
  return files === 'row' ? registry : registryOn(storage, table, container, { maxRowModelBytes: 0 });
}

describe('registering a version', () => {
  it.each<['row' | 'blobs']>([['row'], ['blobs']])(
    'round-trips with the files in the %s: the row, the card with the signature read from the file',
    async (files) => {
      const name = `diabetes-${files}`;
      const registered = await registryKeeping(files).register({
        name,
        onnx: diabetesOnnx,
        card: {
          ...diabetesCard,
          name,
          tags: { team: 'health' },
          training: { data: 'data/diabetes.csv', rows: 442, sha256: 'b'.repeat(64) },
          parentVersion: 4,
        },
        producer: 'registry test',
      });
      expect(registered).toMatchObject({
        name,
        version: 1,
        stage: 'None',
        files,
        bytes: diabetesOnnx.length,
        sha256: diabetesCard.sha256,
        tags: { team: 'health' },
        metrics: diabetesCard.metrics,
        parentVersion: 4,
        producer: 'registry test',
        trainingData: 'data/diabetes.csv',
        trainingSha256: 'b'.repeat(64),
      });
      expect(registered.card.signature).toEqual({
        inputs: [{ name: 'input', isTensor: true, elementType: 'float32', shape: ['N', 10] }],
        outputs: [{ name: 'variable', isTensor: true, elementType: 'float64', shape: ['N', 1] }],
      });
      // Either registry reads either kind of version.
      expect(await registry.version(`${name}@1`)).toEqual(registered);
      expect(await registryKeeping('blobs').version(`${name}@1`)).toEqual(registered);
      const loaded = await registry.load(registered);
      expect(loaded.onnx.equals(diabetesOnnx)).toBe(true);
      expect(loaded.card).toMatchObject({
        name,
        version: 1,
        sha256: diabetesCard.sha256,
        tags: { team: 'health' },
      });
      // Without `files`, load finds out where they are.
      const pinned = { name, version: 1, sha256: registered.sha256 };
      expect((await registry.load(pinned)).onnx.equals(diabetesOnnx)).toBe(true);
      const blobNames: string[] = [];
      const blobs = await storage.ensureContainer(container);
      for await (const blob of blobs.listBlobsFlat({ prefix: `${name}/` })) blobNames.push(blob.name);
      expect(blobNames.sort()).toEqual(
        files === 'blobs' ? [`${name}/1/model.json`, `${name}/1/model.onnx`] : [],
      );
      if (files === 'blobs') {
        const card = JSON.parse(
          (await blobs.getBlobClient(`${name}/1/model.json`).downloadToBuffer()).toString(),
        );
        expect(card).toMatchObject({ name, version: 1, stage: 'None', sha256: diabetesCard.sha256 });
      }
    },
  );

  it('keeps a model larger than the row limit in blobs', async () => {
    const small = registryOn(storage, table, container, { maxRowModelBytes: diabetesOnnx.length - 1 });
    const registered = await small.register({ name: 'large', onnx: diabetesOnnx });
    expect(registered.files).toBe('blobs');
    expect((await registry.load(registered)).onnx.equals(diabetesOnnx)).toBe(true);
    const atLimit = registryOn(storage, table, container, { maxRowModelBytes: diabetesOnnx.length });
    expect((await atLimit.register({ name: 'large', onnx: diabetesOnnx })).files).toBe('row');
  });

  it.each<[string, Buffer, string, RegExp]>([
    [
      'bytes that are not ONNX',
      Buffer.from('not a model'),
      'onnx',
      /^Model "broken" cannot be loaded by onnxruntime: .+/,
    ],
    [
      'a model using an operator onnxruntime lacks',
      readFileSync('test/fixtures/models/negative/superres_prepost_op18.onnx'),
      'onnx',
      /^Model "broken" cannot be loaded by onnxruntime: .*(op|Op|domain)/,
    ],
    ['an empty file', Buffer.alloc(0), 'onnx', /The model file is empty/],
  ])('refuses %s with the reason, and writes nothing', async (_what, onnx, field, message) => {
    const error = await rejection(registry.register({ name: 'broken', onnx }));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).details.field).toBe(field);
    expect(error.message).toMatch(message);
    expect(await registry.exists('broken')).toBe(false);
  });

  it.each<[string, Record<string, unknown>, string, RegExp]>([
    ['a card naming another model', { name: 'other' }, 'card.name', /names model "other"/],
    ['a card with another SHA-256', { sha256: 'a'.repeat(64) }, 'card.sha256', /model file sent has/],
    ['a non-string tag', { tags: { store: 2 } }, 'card.tags.store', /field "tags.store"/],
    ['an over-long tag value', { tags: { store: 'x'.repeat(201) } }, 'card.tags.store', /at most 200/],
    [
      'a card listing 2 features for an input of 3',
      { features: ['a', 'b'] },
      'card.features',
      /^Model "cards" input "x" takes 3 features but its card lists 2$/,
    ],
    [
      'a card mapping an input the model lacks',
      { inputs: [{ name: 'pixels', columns: ['a', 'b', 'c'] }] },
      'card.inputs',
      /inputs not in its card: x; card inputs the model lacks: pixels$/,
    ],
    [
      'a card naming an output the model lacks',
      { outputs: ['probability'] },
      'card.outputs',
      /card output "probability": the model has no such output \(outputs: y\)$/,
    ],
  ])('refuses %s, naming the field', async (_what, card, field, message) => {
    const error = await rejection(registry.register({ name: 'cards', onnx: linearModel(1), card }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toMatch(message);
    expect((error as ValidationError).details.field).toBe(field);
  });

  it('versions are immutable: their files cannot be written again with other bytes', async () => {
    const first = await registryKeeping('blobs').register({ name: 'immutable', onnx: linearModel(1) });
    const blobs = new RegistryBlobs(storage, container);
    const other = linearModel(2);
    await expect(
      blobs.writeOnce('immutable', 1, other, { ...first.card, sha256: 'c'.repeat(64) }),
    ).rejects.toThrow('immutable@1: model.onnx exists with other bytes; versions are immutable.');
    const second = await registry.register({ name: 'immutable', onnx: other });
    expect(second.version).toBe(2);
    const loaded = await registry.load(await registry.resolve('immutable@1'));
    expect(loaded.onnx.equals(linearModel(1))).toBe(true);
  });

  it('with an idempotency key registers once, even when the same registration runs twice at once', async () => {
    const request = { name: 'once', onnx: linearModel(3), idempotencyKey: 'run-1/Store=2.csv' };
    const [a, b] = await Promise.all([registry.register(request), registry.register(request)]);
    expect(a.version).toBe(b.version);
    expect([a.existing, b.existing].filter(Boolean)).toHaveLength(1);
    const again = await registry.register({ ...request, onnx: linearModel(4) });
    expect(again).toMatchObject({ version: a.version, existing: true, sha256: a.sha256 });
    expect((await registry.versionWithKey('once', 'run-1/Store=2.csv'))?.version).toBe(a.version);
    expect(await registry.versionWithKey('once', 'run-1/Store=3.csv')).toBeUndefined();
    const other = await registry.register({ ...request, idempotencyKey: 'run-1/Store=3.csv' });
    expect(other.existing).toBeUndefined();
    const written = (await registry.model('once')).versions.map((v) => v.version);
    expect(written).toEqual([a.version, other.version].sort((x, y) => x - y));
  });
});

describe('registering a batch (registerAll)', () => {
  const tags = (index: number) => ({ store: String(index), brand: 'b', run: 'r1', algorithm: 'ridge' });

  it('numbers the versions in order over several transactions; a bad request fails alone', async () => {
    // 20 versions × (version row + 4 tag rows + idempotency row) = 120 rows: two transactions.
    const requests = Array.from({ length: 20 }, (_, index) => ({
      name: 'batch',
      onnx: index === 7 ? Buffer.from('not onnx') : linearModel(index),
      card: { tags: tags(index) },
      idempotencyKey: `r1/${index}`,
    }));
    const outcomes = await registry.registerAll('batch', requests);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(
      requests.map((_, index) => (index === 7 ? 'rejected' : 'fulfilled')),
    );
    expect(String((outcomes[7] as PromiseRejectedResult).reason)).toContain('ValidationError');
    expect((outcomes[7] as PromiseRejectedResult).reason).toMatchObject({
      message: expect.stringMatching(/^Model "batch" cannot be loaded by onnxruntime: /) as unknown,
      details: { field: 'onnx' },
    });
    const versions = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
    expect(versions.map((version) => version.version)).toEqual(Array.from({ length: 19 }, (_, i) => i + 1));
    for (const [index, request] of requests.entries()) {
      if (index === 7) continue;
      const found = await registry.resolve({ name: 'batch', tags: { store: String(index) } });
      expect((await registry.load(found)).onnx.equals(request.onnx)).toBe(true);
      expect((await registry.versionWithKey('batch', `r1/${index}`))?.version).toBe(found.version);
    }
    expect((await registry.model('batch')).latestVersion).toBe(19);
  });

  it.each<['row' | 'blobs']>([['row'], ['blobs']])(
    'returns the earlier version for a key already registered, alone or racing in another batch (files in the %s)',
    async (files) => {
      const name = `batch-once-${files}`;
      const keeping = registryKeeping(files);
      const request = (index: number) => ({
        name,
        onnx: linearModel(index),
        card: { tags: tags(index) },
        idempotencyKey: `r2/${index}`,
      });
      const first = await keeping.register(request(0));
      const [a, b] = await Promise.all([
        keeping.registerAll(name, [request(0), request(1), request(2)]),
        keeping.registerAll(name, [request(2), request(3)]),
      ]);
      const value = (outcome: PromiseSettledResult<{ version: number; existing?: true }> | undefined) => {
        if (outcome?.status !== 'fulfilled') throw new Error(`not registered: ${JSON.stringify(outcome)}`);
        return outcome.value;
      };
      expect(value(a[0])).toMatchObject({ version: first.version, existing: true });
      // Key 2 raced: one batch registered it, the other got that version back.
      expect(value(a[2]).version).toBe(value(b[0]).version);
      expect([value(a[2]).existing, value(b[0]).existing].filter(Boolean)).toHaveLength(1);
      const overview = await keeping.model(name);
      const keys = await Promise.all([0, 1, 2, 3].map((i) => keeping.versionWithKey(name, `r2/${i}`)));
      const registered = overview.versions.map((version) => version.version).sort();
      expect(keys.map((found) => found?.version).sort()).toEqual(registered);
      // The numbers the repeats used up hold no files.
      const blobNames: string[] = [];
      const blobs = await storage.ensureContainer(container);
      for await (const blob of blobs.listBlobsFlat({ prefix: `${name}/` })) blobNames.push(blob.name);
      expect(blobNames.sort()).toEqual(
        files === 'row'
          ? []
          : registered.flatMap((v) => [`${name}/${v}/model.json`, `${name}/${v}/model.onnx`]).sort(),
      );
    },
  );

  it('refuses a request for another model name without registering it', async () => {
    const [outcome] = await registry.registerAll('batch-name', [{ name: 'other', onnx: linearModel(1) }]);
    expect(outcome).toMatchObject({ status: 'rejected' });
    expect(String((outcome as PromiseRejectedResult).reason)).toContain(
      'registerAll("batch-name") was given a version of "other"',
    );
  });
});

describe('resolving', () => {
  const name = 'sales';
  const tagsOf = (version: number) => ({
    store: String(version % 3),
    brand: version % 2 === 0 ? 'even' : 'odd',
  });

  beforeAll(async () => {
    for (let version = 1; version <= 6; version++)
      await registry.register({ name, onnx: linearModel(version), card: { tags: tagsOf(version) } });
    await registry.setStage(name, 2, 'Production', actor);
    await registry.setStage(name, 5, 'Staging', actor);
  });

  it.each<[string, string | { name: string; tags: Record<string, string>; stage?: string }, number]>([
    ['the bare name as the production version (candidates wait for promotion)', name, 2],
    ['latest (any letter case): the newest version', `${name}@Latest`, 6],
    ['a version', `${name}@3`, 3],
    ['production', `${name}@production`, 2],
    ['staging (any letter case)', `${name}@Staging`, 5],
    ['one tag: the latest version carrying it', { name, tags: { store: '1' } }, 4],
    ['two tags: the latest carrying both', { name, tags: { store: '1', brand: 'odd' } }, 1],
    ['tags and a stage', { name, tags: { brand: 'even' }, stage: 'production' }, 2],
  ])('%s', async (_what, ref, version) => {
    const found = await registry.resolve(ref);
    expect(found).toMatchObject({ name, version, tags: tagsOf(version) });
  });

  it.each<[string, string | { name: string; tags: Record<string, string> }, RegExp]>([
    ['an unknown model', 'nothing', /^Model "nothing" is not registered\.$/],
    ['an unknown version', `${name}@99`, /^Model "sales" has no version 99 \(latest: 6\)\.$/],
    [
      'a tag set no version carries',
      { name, tags: { store: '2', brand: 'blue' } },
      /no version tagged store=2, brand=blue/,
    ],
  ])('%s is a NotFoundError saying so', async (_what, ref, message) => {
    const error = await rejection(registry.resolve(ref));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toMatch(message);
  });

  it('the bare name of a model without a production version is its newest version', async () => {
    await registry.register({ name: 'unpromoted', onnx: linearModel(1) });
    await registry.register({ name: 'unpromoted', onnx: linearModel(2) });
    expect(await registry.resolve('unpromoted')).toMatchObject({ version: 2 });
  });

  it('a stage that is not single-version is refused', async () => {
    await expect(registry.resolve({ name, stage: 'archived' })).rejects.toThrow(
      /names production or staging/,
    );
  });

  it('GET-style views: list, model overview with versions and audit', async () => {
    expect((await registry.list()).find((model) => model.name === name)).toEqual({
      name,
      latestVersion: 6,
      production: 2,
      staging: 5,
      previousProduction: undefined,
    });
    const overview = await registry.model(name);
    expect(overview.versions.map((version) => [version.version, version.stage])).toEqual([
      [1, 'None'],
      [2, 'Production'],
      [3, 'None'],
      [4, 'None'],
      [5, 'Staging'],
      [6, 'None'],
    ]);
    expect(overview.audit.map((record) => [record.sequence, record.version, record.stage])).toEqual([
      [1, 2, 'Production'],
      [2, 5, 'Staging'],
    ]);
  });
});

describe('stages and rollback', () => {
  const name = 'stages';

  beforeAll(async () => {
    for (let version = 1; version <= 3; version++)
      await registry.register({ name, onnx: linearModel(version) });
  });

  it('promotion to Production archives the previous production version, in one audited change', async () => {
    await registry.setStage(name, 1, 'Production', { by: 'alice', reason: 'first release' });
    const change = await registry.setStage(name, 2, 'Production', { by: 'bob', reason: 'better r2' });
    expect(change.audit).toMatchObject({
      action: 'promote',
      version: 2,
      stage: 'Production',
      previousStage: 'None',
      previousProduction: 1,
      displaced: [{ version: 1, from: 'Production', to: 'Archived' }],
      by: 'bob',
      reason: 'better r2',
    });
    expect((await registry.resolve(`${name}@1`)).stage).toBe('Archived');
    expect((await registry.resolve(`${name}@production`)).version).toBe(2);
  });

  it('rollback puts the previous production version back, archives the current one, and is audited', async () => {
    const change = await registry.rollback(name, { by: 'carol', reason: 'v2 drifts' });
    expect(change.audit).toMatchObject({
      action: 'rollback',
      version: 1,
      stage: 'Production',
      previousStage: 'Archived',
      previousProduction: 2,
      displaced: [{ version: 2, from: 'Production', to: 'Archived' }],
      by: 'carol',
      reason: 'v2 drifts',
    });
    const overview = await registry.model(name);
    expect(overview).toMatchObject({ production: 1, previousProduction: 2 });
    expect(overview.versions.map((version) => version.stage)).toEqual(['Production', 'Archived', 'None']);
    expect(overview.audit.at(-1)).toEqual(change.audit);
  });

  it('a stage change needs a reason; promoting to the stage a version has is a conflict', async () => {
    await expect(registry.setStage(name, 3, 'Staging', { by: 'x', reason: ' ' })).rejects.toThrow(
      'Give a reason for the stage change.',
    );
    const error = await rejection(registry.setStage(name, 1, 'Production', actor));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toBe('stages@1 is already in stage Production; nothing was changed.');
  });

  it('rollback without a previous production version is a conflict', async () => {
    await registry.register({ name: 'fresh', onnx: linearModel(1) });
    await registry.setStage('fresh', 1, 'Production', actor);
    const error = await rejection(registry.rollback('fresh', actor));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toMatch(/no previous production version/);
  });
});

describe('integrity', () => {
  it('a model.onnx blob changed after registration is refused on load with both hashes', async () => {
    const registered = await registryKeeping('blobs').register({ name: 'tampered', onnx: linearModel(7) });
    const blob = storage.container(container).getBlockBlobClient('tampered/1/model.onnx');
    await blob.uploadData(linearModel(8));
    const error = await rejection(registry.load(await registry.resolve('tampered@1')));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toMatch(
      new RegExp(
        `^Model tampered@1 refused: .*tampered/1/model.onnx has SHA-256 [0-9a-f]{64} but the version was registered with ${registered.sha256}`,
      ),
    );
  });

  it('a model changed in its version row is refused on load with both hashes, naming the row', async () => {
    const registered = await registry.register({ name: 'tampered-row', onnx: linearModel(7) });
    expect(registered.files).toBe('row');
    const rows = await storage.table(table);
    await rows.updateEntity(
      { partitionKey: 'tampered-row', rowKey: '0000000001', onnx: new Uint8Array(linearModel(8)) },
      'Merge',
    );
    const error = await rejection(registry.load(await registry.resolve('tampered-row@1')));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).details.field).toBe('sha256');
    expect(error.message).toBe(
      `Model tampered-row@1 refused: table ${table}, version row tampered-row@1 (model.onnx) has SHA-256 ` +
        `${createHash('sha256').update(linearModel(8)).digest('hex')} but the version was registered with ` +
        `${registered.sha256}; the file was changed after registration (register a new version instead).`,
    );
    await rows.updateEntity(
      { partitionKey: 'tampered-row', rowKey: '0000000001', card: '{"name":' },
      'Merge',
    );
    await rows.updateEntity(
      { partitionKey: 'tampered-row', rowKey: '0000000001', onnx: new Uint8Array(linearModel(7)) },
      'Merge',
    );
    const broken = await rejection(registry.version('tampered-row@1'));
    expect(broken).toBeInstanceOf(ValidationError);
    expect(broken.message).toMatch(/^Model card table .*, version row tampered-row@1 \(card\) is not JSON: /);
  });
});
