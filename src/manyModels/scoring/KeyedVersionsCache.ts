import { LRUCache } from 'lru-cache';
import type { KeyedModelsFile } from './keyedModels';

/**
 * The version lists (`_models.json`) of recent keyed jobs, parsed once per process rather than once per
 * partition. A failed read is not kept, so a retry reads again. (Key models themselves are kept by the
 * kernel's model loader.)
 */
export class KeyedVersionsCache {
  readonly #files: LRUCache<string, Promise<KeyedModelsFile>>;

  constructor(options: { readonly jobs?: number } = {}) {
    this.#files = new LRUCache({ max: options.jobs ?? 4 });
  }

  /** A job's version list, by its blob and the job (a job never rewrites its list). */
  versions(key: string, read: () => Promise<KeyedModelsFile>): Promise<KeyedModelsFile> {
    const held = this.#files.get(key);
    if (held) return held;
    const reading = read();
    this.#files.set(key, reading);
    reading.catch(() => this.#files.delete(key));
    return reading;
  }
}
