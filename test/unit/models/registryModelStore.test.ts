import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NotFoundError, ValidationError } from '../../../src/errors';
import { RegistryModelSource } from '../../../src/models/registry/RegistryModelSource';
import { diabetesCard, diabetesOnnx, linearModel, registryOn, testRegistry } from './registryTestKit';

// Batch scoring's model source: resolution through the registry, seeding from the bundled folder,
// integrity on every use.

const bundled = mkdtempSync(path.join(os.tmpdir(), 'bundled-models-'));
cpSync('models/diabetes', path.join(bundled, 'diabetes'), { recursive: true });
afterAll(() => rmSync(bundled, { recursive: true, force: true }));

describe('seeding from the bundled models folder', () => {
  it('registers a bundled model once, with its card stage, however many resolve it at the same time', async () => {
    const { registry, storage, table, container } = testRegistry();
    const sources = [
      registry,
      registryOn(storage, table, container),
      registryOn(storage, table, container),
    ].map((each) => new RegistryModelSource({ registry: each, bundledDirectory: bundled }));
    const models = await Promise.all(
      sources.flatMap((source) => [source.resolve('diabetes'), source.resolve('diabetes@production')]),
    );
    for (const model of models) {
      expect(model).toMatchObject({ name: 'diabetes', version: '1', sha256: diabetesCard.sha256 });
      expect(model.onnx.equals(diabetesOnnx)).toBe(true);
      expect(model.card?.features).toEqual(diabetesCard.features);
    }
    const again = new RegistryModelSource({
      registry: registryOn(storage, table, container),
      bundledDirectory: bundled,
    });
    await again.resolve('diabetes@1');
    const overview = await registry.model('diabetes');
    expect(overview).toMatchObject({ latestVersion: 1, production: 1 });
    expect(overview.versions.map((version) => [version.version, version.stage])).toEqual([[1, 'Production']]);
    expect(overview.audit).toMatchObject([
      { action: 'seed', version: 1, stage: 'Production', reason: 'seeded from the bundled models folder' },
    ]);
    expect((await registry.version('diabetes@1')).card.createdAt).toBe(diabetesCard.createdAt);
  });

  it('a name the registry has is not seeded: its registered versions are used', async () => {
    const { registry } = testRegistry();
    await registry.register({ name: 'diabetes', onnx: linearModel(3) });
    const source = new RegistryModelSource({ registry, bundledDirectory: bundled });
    const model = await source.resolve('diabetes');
    expect(model.onnx.equals(linearModel(3))).toBe(true);
    await expect(source.resolve('diabetes@production')).rejects.toThrow(
      'Model "diabetes" has no production version.',
    );
    expect(await source.has('diabetes')).toBe(true);
  });

  it('a name in neither place is a NotFoundError listing the bundled models', async () => {
    const { registry } = testRegistry();
    const source = new RegistryModelSource({ registry, bundledDirectory: bundled });
    const error = await source.resolve('nope').catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toBe(
      `Model "nope" not found in the registry or in ${bundled}; bundled models: diabetes`,
    );
    expect(await source.has('nope')).toBe(false);
    expect(await source.has('diabetes')).toBe(true);
  });
});

describe('integrity on every use', () => {
  it('a model cached after a good load is refused once its blob is changed', async () => {
    const { registry, storage, container } = testRegistry(undefined, { maxRowModelBytes: 0 });
    await registry.register({ name: 'cached', onnx: linearModel(1) });
    const source = new RegistryModelSource({ registry, bundledDirectory: bundled });
    expect((await source.resolve('cached@1')).onnx.equals(linearModel(1))).toBe(true);
    await storage.container(container).getBlockBlobClient('cached/1/model.onnx').uploadData(linearModel(2));
    const error = await source.resolve('cached@1').catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toMatch(
      /^Model cached@1 refused: .* has SHA-256 [0-9a-f]{64} but the version was registered with/,
    );
  });
});
