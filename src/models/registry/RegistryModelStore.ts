import { NotFoundError } from '../../errors';
import type { ModelSource, ScoringModel } from '../../scoring/ScoringPorts';
import { listBundledModels, loadBundledModel } from '../loadBundledModel';
import { formatModelRef, parseModelRef } from '../parseModelRef';
import type { ModelRegistry } from './ModelRegistry';
import type { VersionToLoad } from './registryRows';
import type { ModelQuery } from './resolveVersion';

export interface RegistryModelSourceOptions {
  readonly registry: ModelRegistry;
  /** The bundled `models/` folder: a name the registry lacks is registered from here on first use. */
  readonly bundledDirectory: string;
  /** Verified models kept in memory, by name@version; default 8. */
  readonly cacheSize?: number;
}

interface CachedModel {
  readonly model: ScoringModel;
  readonly etag: string;
}

/**
 * Batch scoring's models, from the registry. Verified bytes are kept per name@version; each use checks
 * the stored model.onnx still has the ETag they were read under (a changed blob is read and verified
 * again, and refused if its SHA-256 is not the registered one).
 */
export class RegistryModelSource implements ModelSource {
  readonly #registry: ModelRegistry;
  readonly #bundled: string;
  readonly #cache = new Map<string, CachedModel>();
  readonly #cacheSize: number;
  readonly #seeding = new Map<string, Promise<void>>();

  constructor(options: RegistryModelSourceOptions) {
    this.#registry = options.registry;
    this.#bundled = options.bundledDirectory;
    this.#cacheSize = options.cacheSize ?? 8;
  }

  async resolve(ref: string | ModelQuery): Promise<ScoringModel> {
    const info = await this.#resolve(ref);
    const key = `${info.name}@${info.version}`;
    const cached = this.#cache.get(key);
    if (cached && cached.etag === (await this.#registry.onnxEtag(info))) return cached.model;
    const loaded = await this.#registry.load(info);
    const model: ScoringModel = {
      name: info.name,
      version: String(info.version),
      sha256: info.sha256,
      onnx: loaded.onnx,
      card: loaded.card,
    };
    this.#cache.delete(key);
    this.#cache.set(key, { model, etag: loaded.etag });
    for (const oldest of this.#cache.keys()) {
      if (this.#cache.size <= this.#cacheSize) break;
      this.#cache.delete(oldest);
    }
    return model;
  }

  async has(name: string): Promise<boolean> {
    if (await this.#registry.exists(name).catch(() => false)) return true;
    return (await listBundledModels(this.#bundled)).includes(name);
  }

  async load(pinned: VersionToLoad): Promise<ScoringModel> {
    const loaded = await this.#registry.load(pinned);
    return {
      name: pinned.name,
      version: String(pinned.version),
      sha256: pinned.sha256,
      onnx: loaded.onnx,
      card: loaded.card,
    };
  }

  catalog(name: string) {
    return this.#registry.catalog(name);
  }

  async #resolve(ref: string | ModelQuery) {
    const query = typeof ref === 'string' ? parseModelRef(ref) : ref;
    try {
      return await this.#registry.resolve(query);
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      const bundled = await listBundledModels(this.#bundled);
      if (!bundled.includes(query.name)) {
        if (await this.#registry.exists(query.name)) throw error;
        const known = bundled.length > 0 ? bundled.join(', ') : 'none';
        throw new NotFoundError(
          `Model "${formatModelRef(query)}" not found in the registry or in ${this.#bundled}; bundled models: ${known}`,
        );
      }
      await this.#seed(query.name);
      return this.#registry.resolve(query);
    }
  }

  /** Registers the bundled model under its name if the registry does not have that name yet. */
  #seed(name: string): Promise<void> {
    let seeding = this.#seeding.get(name);
    if (!seeding) {
      seeding = loadBundledModel(this.#bundled, name)
        .then((bundled) => this.#registry.seed(name, bundled.onnx, bundled.card, 'bundled models folder'))
        .finally(() => this.#seeding.delete(name));
      this.#seeding.set(name, seeding);
    }
    return seeding;
  }
}
