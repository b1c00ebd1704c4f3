import { KeyedModelCache } from '../../../../src/manyModels/scoring/KeyedModelCache';
import type { ScoringModel } from '../../../../src/scoring/ScoringPorts';

// What stays loaded between partitions: a hit is the same model object; what fell out is loaded anew.

const model = (version: number, bytes: number): ScoringModel => ({
  name: 'sales',
  version: String(version),
  sha256: `sha${version}`,
  onnx: Buffer.alloc(bytes),
});

async function load(cache: KeyedModelCache, version: number, bytes = 100): Promise<ScoringModel> {
  return cache.model('sales', version, () => Promise.resolve(model(version, bytes)));
}

describe('KeyedModelCache', () => {
  it('keeps at most modelBytes of models, least recently used out first', async () => {
    const cache = new KeyedModelCache({ modelBytes: 250 });
    const first = await load(cache, 1);
    const second = await load(cache, 2);
    expect(await load(cache, 1)).toBe(first); // 1 is now the most recently used
    await load(cache, 3);
    expect(cache.modelBytes).toBe(200);
    expect(await load(cache, 1)).toBe(first);
    expect(await load(cache, 2)).not.toBe(second); // 2 fell out and was loaded again
    expect(cache.modelBytes).toBe(200);
  });

  it('keeps at most `models` models, and their bytes leave with them', async () => {
    const cache = new KeyedModelCache({ models: 2 });
    const first = await load(cache, 1, 10);
    await load(cache, 2, 20);
    await load(cache, 3, 30);
    expect(cache.modelBytes).toBe(50);
    expect(await load(cache, 1, 10)).not.toBe(first);
    expect(cache.modelBytes).toBe(40);
  });

  it('keeps a model larger than the bound while it is the newest, and nothing else', async () => {
    const cache = new KeyedModelCache({ modelBytes: 100 });
    await load(cache, 1, 60);
    const big = await load(cache, 2, 500);
    expect(cache.modelBytes).toBe(500);
    expect(await load(cache, 2, 500)).toBe(big);
    await load(cache, 3, 60);
    expect(cache.modelBytes).toBe(60);
  });

  it('does not keep a failed load: the next call loads again', async () => {
    const cache = new KeyedModelCache();
    const failed = cache.model('sales', 1, () => Promise.reject(new Error('storage down')));
    await expect(failed).rejects.toThrow('storage down');
    await new Promise((resolve) => setImmediate(resolve));
    expect((await load(cache, 1)).version).toBe('1');
    expect(cache.modelBytes).toBe(100);
  });
});
