import { createHash } from 'node:crypto';
import { ValidationError } from '../../../../src/errors';
import type { PinnedModel } from '../../../../src/runtime/models/LoadedModel';
import { ModelLoader } from '../../../../src/runtime/models/ModelLoader';
import type { ModelStore } from '../../../../src/runtime/models/ModelStore';

// What stays loaded between partitions and jobs: a hit is the same model object and costs no read;
// what fell out is read again; bytes that are not the pinned ones are refused.

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const bytesOf = (version: number, size: number) => Buffer.alloc(size, version);
const pinned = (version: number, size = 100): PinnedModel => ({
  name: 'sales',
  version,
  sha256: sha(bytesOf(version, size)),
});

/** A store of versions whose bytes are `size` bytes of the version number; counts its reads. */
function storeOf(sizes: Record<number, number> = {}) {
  const reads: number[] = [];
  let failNext = false;
  const store: ModelStore = {
    resolve: () => Promise.reject(new Error('not used')),
    hasModel: () => Promise.resolve(true),
    listVersions: () => Promise.reject(new Error('not used')),
    readFiles: (model) => {
      reads.push(model.version);
      if (failNext) {
        failNext = false;
        return Promise.reject(new Error('storage down'));
      }
      return Promise.resolve({ onnx: bytesOf(model.version, sizes[model.version] ?? 100) });
    },
  };
  return { store, reads, failOnce: () => (failNext = true) };
}

describe('ModelLoader', () => {
  it('keeps at most maxBytes of models, least recently used out first', async () => {
    const { store, reads } = storeOf();
    const loader = new ModelLoader({ store, maxBytes: 250 });
    const first = await loader.load(pinned(1));
    const second = await loader.load(pinned(2));
    expect(await loader.load(pinned(1))).toBe(first); // 1 is now the most recently used
    await loader.load(pinned(3));
    expect(loader.heldBytes).toBe(200);
    expect(await loader.load(pinned(1))).toBe(first);
    expect(await loader.load(pinned(2))).not.toBe(second); // 2 fell out and was read again
    expect(reads).toEqual([1, 2, 3, 2]);
    expect(loader.heldBytes).toBe(200);
  });

  it('keeps at most maxModels models, and their bytes leave with them', async () => {
    const { store } = storeOf({ 1: 10, 2: 20, 3: 30 });
    const loader = new ModelLoader({ store, maxModels: 2 });
    const first = await loader.load(pinned(1, 10));
    await loader.load(pinned(2, 20));
    await loader.load(pinned(3, 30));
    expect(loader.heldBytes).toBe(50);
    expect(await loader.load(pinned(1, 10))).not.toBe(first);
    expect(loader.heldBytes).toBe(40);
  });

  it('keeps a model larger than the bound while it is the newest, and nothing else', async () => {
    const { store } = storeOf({ 1: 60, 2: 500, 3: 60 });
    const loader = new ModelLoader({ store, maxBytes: 100 });
    await loader.load(pinned(1, 60));
    const big = await loader.load(pinned(2, 500));
    expect(loader.heldBytes).toBe(500);
    expect(await loader.load(pinned(2, 500))).toBe(big);
    await loader.load(pinned(3, 60));
    expect(loader.heldBytes).toBe(60);
  });

  it('does not keep a failed load: the next call reads again', async () => {
    const { store, failOnce } = storeOf();
    const loader = new ModelLoader({ store });
    failOnce();
    await expect(loader.load(pinned(1))).rejects.toThrow('storage down');
    expect((await loader.load(pinned(1))).version).toBe(1);
    expect(loader.heldBytes).toBe(100);
  });

  it('concurrent loads of one version share one read', async () => {
    const { store, reads } = storeOf();
    const loader = new ModelLoader({ store });
    const models = await Promise.all([
      loader.load(pinned(1)),
      loader.load(pinned(1)),
      loader.load(pinned(1)),
    ]);
    expect(reads).toEqual([1]);
    expect(models[1]).toBe(models[0]);
  });

  it('refuses bytes whose SHA-256 is not the pinned one, naming the version and both digests', async () => {
    const { store } = storeOf();
    const loader = new ModelLoader({ store });
    const wrong = { ...pinned(1), sha256: sha(Buffer.from('another model')) };
    const error = (await loader.load(wrong).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toBe(
      `Model sales@1 refused: its model.onnx has SHA-256 ${pinned(1).sha256}, but the job pinned ${wrong.sha256}; ` +
        'the stored file changed after the version was registered (register a new version instead).',
    );
    expect(loader.heldBytes).toBe(0);
  });
});
