import { createHash } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { NotFoundError, ValidationError } from '../../../src/errors';
import { listBundledModels, loadBundledModel } from '../../../src/models/loadBundledModel';

const fixtures = path.join(__dirname, '../../fixtures/models');
let modelsDir: string;

async function addModel(
  name: string,
  card: Record<string, unknown> | string | undefined,
  source = 'xgboost_regressor_tree',
) {
  await mkdir(path.join(modelsDir, name), { recursive: true });
  await copyFile(path.join(fixtures, source, 'model.onnx'), path.join(modelsDir, name, 'model.onnx'));
  if (card !== undefined) {
    const text = typeof card === 'string' ? card : JSON.stringify(card);
    await writeFile(path.join(modelsDir, name, 'model.json'), text);
  }
}

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

beforeAll(async () => {
  modelsDir = await mkdtemp(path.join(os.tmpdir(), 'bundled-models-'));
  const onnx = await readFile(path.join(fixtures, 'xgboost_regressor_tree/model.onnx'));
  await addModel('wine', {
    name: 'wine',
    version: 4,
    stage: 'production',
    sha256: sha(onnx),
    features: ['a'],
  });
  await addModel('nocard', undefined);
  await addModel('tampered', { name: 'tampered', version: 1, sha256: '0'.repeat(64) });
  await addModel('renamed', { name: 'other', version: 1 });
  await addModel('broken', '{ "name": "broken", ');
  await mkdir(path.join(modelsDir, 'empty-folder'));
});
afterAll(() => rm(modelsDir, { recursive: true, force: true }));

describe('loadBundledModel', () => {
  it.each(['wine', 'wine@4', 'wine@production', { name: 'wine', version: 4 }])(
    'loads %j with its card and sha256',
    async (ref) => {
      const model = await loadBundledModel(modelsDir, ref);
      expect(model).toMatchObject({
        name: 'wine',
        version: 4,
        card: { stage: 'production', features: ['a'] },
      });
      expect(model.sha256).toBe(sha(model.onnx));
      expect(model.onnx.length).toBe(5317);
    },
  );

  it('treats a folder without model.json as version 1 with an empty card', async () => {
    const model = await loadBundledModel(modelsDir, 'nocard');
    expect(model.card).toEqual({ name: 'nocard', version: 1, tags: {}, metrics: {} });
  });

  it('lists the folders that hold a model.onnx', async () => {
    await expect(listBundledModels(modelsDir)).resolves.toEqual([
      'broken',
      'nocard',
      'renamed',
      'tampered',
      'wine',
    ]);
    await expect(listBundledModels(path.join(modelsDir, 'missing'))).resolves.toEqual([]);
  });

  it.each<[string, string, new (...args: never[]) => Error, RegExp, string | undefined]>([
    [
      'an unknown model',
      'iris',
      NotFoundError,
      /^Model "iris" not found in .*; bundled models: broken, nocard, renamed, tampered, wine$/,
      undefined,
    ],
    [
      'a folder without model.onnx',
      'empty-folder',
      NotFoundError,
      /^Model "empty-folder" not found/,
      undefined,
    ],
    [
      'another version',
      'wine@7',
      NotFoundError,
      /^Model "wine@7" not found in .*; the bundled wine is version 4 \(stage production\)$/,
      undefined,
    ],
    ['another stage', 'wine@staging', NotFoundError, /^Model "wine@staging" not found/, undefined],
    [
      'a sha256 mismatch',
      'tampered',
      ValidationError,
      /^Model tampered@1: model.onnx has SHA-256 [0-9a-f]{64} but model.json says 0{64}; /,
      'sha256',
    ],
    [
      'a card named after another model',
      'renamed',
      ValidationError,
      /model.json: name "other" does not match its folder "renamed"$/,
      'name',
    ],
    [
      'a card that is not JSON',
      'broken',
      ValidationError,
      /^Model card .*broken\/model.json is not JSON: /,
      undefined,
    ],
    [
      'a name that climbs out of the folder',
      '../wine',
      ValidationError,
      /^Model reference "..\/wine": the name must be/,
      'model',
    ],
  ])('refuses %s', async (_case, ref, type, message, field) => {
    const error: unknown = await loadBundledModel(modelsDir, ref).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(type);
    expect((error as Error).message).toMatch(message);
    if (error instanceof ValidationError) expect(error.details.field).toBe(field);
  });

  it('loads the repository’s bundled diabetes model', async () => {
    const model = await loadBundledModel(path.join(__dirname, '../../../models'), 'diabetes@production');
    expect(model.card.features).toEqual(['age', 'sex', 'bmi', 'bp', 's1', 's2', 's3', 's4', 's5', 's6']);
    expect(model.sha256).toBe(model.card.sha256);
  });
});
