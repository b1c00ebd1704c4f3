import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NotFoundError, ValidationError } from '../../../src/errors';
import { RegistryModelStore } from '../../../src/models/registry/RegistryModelStore';
import { ModelLoader } from '../../../src/runtime/models/ModelLoader';
import { parseModelRef } from '../../../src/runtime/models/ModelRef';
import type { ModelRegistry } from '../../../src/models/registry/ModelRegistry';
import { diabetesCard, diabetesOnnx, linearModel, registryOn, testRegistry } from './registryTestKit';

// The registry as the kernel's model store, loaded through the kernel's loader: resolution through the
// registry, seeding from the bundled folder, integrity of every load.

const bundled = mkdtempSync(path.join(os.tmpdir(), 'bundled-models-'));
cpSync('models/diabetes', path.join(bundled, 'diabetes'), { recursive: true });
afterAll(() => rmSync(bundled, { recursive: true, force: true }));

/** A store over the registry and a loader over the store, as the composition root builds them. */
function modelsOn(registry: ModelRegistry) {
  const store = new RegistryModelStore({ registry, bundledDirectory: bundled });
  const loader = new ModelLoader({ store });
  return { store, loader, resolve: (ref: string) => loader.resolve(parseModelRef(ref)) };
}

describe('seeding from the bundled models folder', () => {
  it('registers a bundled model once, with its card stage, however many resolve it at the same time', async () => {
    const { registry, storage, table, container } = testRegistry();
    const sources = [
      registry,
      registryOn(storage, table, container),
      registryOn(storage, table, container),
    ].map(modelsOn);
    const models = await Promise.all(
      sources.flatMap((source) => [source.resolve('diabetes'), source.resolve('diabetes@production')]),
    );
    for (const model of models) {
      expect(model).toMatchObject({ name: 'diabetes', version: 1, sha256: diabetesCard.sha256 });
      expect(model.onnx.equals(diabetesOnnx)).toBe(true);
      expect(model.card?.features).toEqual(diabetesCard.features);
    }
    await modelsOn(registryOn(storage, table, container)).resolve('diabetes@1');
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
    const source = modelsOn(registry);
    const model = await source.resolve('diabetes');
    expect(model.onnx.equals(linearModel(3))).toBe(true);
    await expect(source.resolve('diabetes@production')).rejects.toThrow(
      'Model "diabetes" has no production version.',
    );
    expect(await source.store.hasModel('diabetes')).toBe(true);
  });

  it('a name in neither place is a NotFoundError listing the bundled models, not where they are', async () => {
    const { registry } = testRegistry();
    const source = modelsOn(registry);
    const error = await source.resolve('nope').catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toBe(
      'Model "nope" is not registered and is not a bundled model (bundled: diabetes).',
    );
    expect((error as Error).message).not.toContain(bundled);
    expect(await source.store.hasModel('nope')).toBe(false);
    expect(await source.store.hasModel('diabetes')).toBe(true);
  });
});

describe('integrity of every load', () => {
  it('a version whose blob changed after registration is refused; a loader that verified it keeps the registered bytes', async () => {
    const { registry, storage, container } = testRegistry(undefined, { maxRowModelBytes: 0 });
    await registry.register({ name: 'cached', onnx: linearModel(1) });
    const before = modelsOn(registry);
    expect((await before.resolve('cached@1')).onnx.equals(linearModel(1))).toBe(true);
    await storage.container(container).getBlockBlobClient('cached/1/model.onnx').uploadData(linearModel(2));
    // The pinned version is immutable: what was verified is what is scored, never the changed file.
    expect((await before.resolve('cached@1')).onnx.equals(linearModel(1))).toBe(true);
    const error = await modelsOn(registry)
      .resolve('cached@1')
      .catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toMatch(
      /^Model cached@1 refused: .* has SHA-256 [0-9a-f]{64} but the version was registered with/,
    );
  });
});
