import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { ValidationError } from '../../errors';
import type { ModelQuery } from './ModelRef';
import { labelOf, type LoadedModel, type PinnedModel } from './LoadedModel';
import type { ModelStore } from './ModelStore';

export interface ModelLoaderOptions {
  readonly store: ModelStore;
  /** Models kept in memory; default 2,048 (keyed jobs use one model per key). */
  readonly maxModels?: number;
  /** Bytes of model.onnx kept, at most; default 256 MiB. A larger model is kept alone while it is the newest. */
  readonly maxBytes?: number;
}

/**
 * Loads pinned models: the bytes a store returns are refused unless their SHA-256 is the pinned one,
 * so a job scores every partition with the bytes it was planned with. Loaded models are kept (least
 * recently used out first, bounded by count and bytes): a version never changes once registered, so a
 * hit needs no request. Concurrent loads of one version share one read; a failed load is not kept.
 */
export class ModelLoader {
  readonly #store: ModelStore;
  readonly #cache: LRUCache<string, LoadedModel>;
  readonly #maxBytes: number;
  readonly #loading = new Map<string, Promise<LoadedModel>>();
  /** A model larger than the whole byte bound: kept alone while it is the newest, so its job does not reload it. */
  #large: LoadedModel | undefined;

  constructor(options: ModelLoaderOptions) {
    this.#store = options.store;
    this.#maxBytes = options.maxBytes ?? 256 * 2 ** 20;
    this.#cache = new LRUCache({
      max: options.maxModels ?? 2048,
      maxSize: this.#maxBytes,
      sizeCalculation: (model) => Math.max(1, model.onnx.length),
    });
  }

  /** Bytes of the models held now. */
  get heldBytes(): number {
    return this.#cache.calculatedSize + (this.#large?.onnx.length ?? 0);
  }

  /** The latest version matching the query, loaded. */
  async resolve(query: ModelQuery): Promise<LoadedModel> {
    return this.load(await this.#store.resolve(query));
  }

  load(pinned: PinnedModel): Promise<LoadedModel> {
    const key = `${labelOf(pinned)}:${pinned.sha256}`;
    const held =
      this.#cache.get(key) ?? (this.#large && keyOf(this.#large) === key ? this.#large : undefined);
    if (held) return Promise.resolve(held);
    let loading = this.#loading.get(key);
    if (!loading) {
      loading = this.#read(pinned, key).finally(() => this.#loading.delete(key));
      this.#loading.set(key, loading);
    }
    return loading;
  }

  async #read(pinned: PinnedModel, key: string): Promise<LoadedModel> {
    const { onnx, card } = await this.#store.readFiles(pinned);
    const actual = createHash('sha256').update(onnx).digest('hex');
    if (actual !== pinned.sha256) {
      throw new ValidationError(
        `Model ${labelOf(pinned)} refused: its model.onnx has SHA-256 ${actual}, but the job pinned ${pinned.sha256}; ` +
          'the stored file changed after the version was registered (register a new version instead).',
        { field: 'sha256' },
      );
    }
    const model: LoadedModel = { ...pinned, onnx, card };
    if (onnx.length > this.#maxBytes) {
      this.#cache.clear();
      this.#large = model;
    } else {
      this.#large = undefined;
      this.#cache.set(key, model);
    }
    return model;
  }
}

function keyOf(model: LoadedModel): string {
  return `${labelOf(model)}:${model.sha256}`;
}
