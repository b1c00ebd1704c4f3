import { LruCache } from '../../scoring/inference/LruCache';
import type { ScoringModel } from '../../scoring/ScoringPorts';
import type { KeyedModelsFile } from './keyedModels';

export interface KeyedModelCacheOptions {
  /** Key models kept in memory (bytes and card); default 2,048. */
  readonly models?: number;
  /** Bytes of key models (model.onnx) kept, at most; default 256 MiB. The newest model is always kept. */
  readonly modelBytes?: number;
  /** Jobs' `_models.json` files kept parsed; default 4. */
  readonly jobs?: number;
}

/**
 * What keyed scoring keeps between partitions in one process: the key models it has loaded (by
 * name@version: a registered version never changes, and its SHA-256 was checked when it was loaded)
 * and the version lists of recent jobs. Bounded by count and by the models' bytes, least recently used
 * out first; a miss only costs a reload. Failed loads are not kept, so a retry loads again.
 */
export class KeyedModelCache {
  readonly #models: LruCache<Promise<ScoringModel>>;
  readonly #jobs: LruCache<Promise<KeyedModelsFile>>;

  constructor(options: KeyedModelCacheOptions = {}) {
    this.#models = new LruCache(options.models ?? 2048, undefined, options.modelBytes ?? 256 * 2 ** 20);
    this.#jobs = new LruCache(options.jobs ?? 4);
  }

  /** Bytes of the models held now. */
  get modelBytes(): number {
    return this.#models.weight;
  }

  model(name: string, version: number, load: () => Promise<ScoringModel>): Promise<ScoringModel> {
    const key = `${name}@${version}`;
    const loading = cached(this.#models, key, load);
    // Weighed by its model.onnx once loaded (again on a hit: the same weight, no change).
    void loading.then(
      (model) => this.#models.weigh(key, loading, model.onnx.length),
      () => {},
    );
    return loading;
  }

  /** A job's version list, by its blob (container/name and ETag). */
  versions(blob: string, load: () => Promise<KeyedModelsFile>): Promise<KeyedModelsFile> {
    return cached(this.#jobs, blob, load);
  }
}

function cached<V>(cache: LruCache<Promise<V>>, key: string, load: () => Promise<V>): Promise<V> {
  const hit = cache.get(key);
  if (hit) return hit;
  const loading = load();
  cache.set(key, loading);
  loading.catch(() => cache.delete(key));
  return loading;
}
