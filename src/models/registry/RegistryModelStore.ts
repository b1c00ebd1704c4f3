import { NotFoundError } from '../../errors';
import type { ModelCard } from '../../runtime/models/ModelCard';
import { formatModelRef, type ModelQuery } from '../../runtime/models/ModelRef';
import type { PinnedModel } from '../../runtime/models/LoadedModel';
import type { ModelStore, ModelVersionSummary } from '../../runtime/models/ModelStore';
import { listBundledModels, loadBundledModel } from '../loadBundledModel';
import type { ModelRegistry } from './ModelRegistry';
import type { ModelVersionInfo } from './registryRows';

export interface RegistryModelStoreOptions {
  readonly registry: ModelRegistry;
  /** The bundled `models/` folder: a name the registry lacks is registered from here on first use. */
  readonly bundledDirectory: string;
}

/**
 * The registry as the kernel's model store. A name the registry does not have yet is registered from
 * the bundled `models/` folder on first use (so `npm start` scores with the bundled diabetes model).
 */
export class RegistryModelStore implements ModelStore {
  readonly #registry: ModelRegistry;
  readonly #bundled: string;
  readonly #seeding = new Map<string, Promise<void>>();

  constructor(options: RegistryModelStoreOptions) {
    this.#registry = options.registry;
    this.#bundled = options.bundledDirectory;
  }

  async resolve(query: ModelQuery): Promise<PinnedModel> {
    return pinnedOf(await this.#resolve(query));
  }

  async hasModel(name: string): Promise<boolean> {
    if (await this.#registry.exists(name).catch(() => false)) return true;
    return (await listBundledModels(this.#bundled)).includes(name);
  }

  async listVersions(name: string): Promise<{ latestVersion: number; versions: ModelVersionSummary[] }> {
    const catalog = await this.#registry.catalog(name);
    return {
      latestVersion: catalog.latestVersion,
      versions: catalog.versions.map((info) => ({ ...pinnedOf(info), stage: info.stage, tags: info.tags })),
    };
  }

  async readFiles(pinned: PinnedModel): Promise<{ onnx: Buffer; card?: ModelCard }> {
    const { onnx, card } = await this.#registry.load(pinned);
    return { onnx, card };
  }

  async #resolve(query: ModelQuery): Promise<ModelVersionInfo> {
    try {
      return await this.#registry.resolve(query);
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      const bundled = await listBundledModels(this.#bundled);
      if (!bundled.includes(query.name)) {
        if (await this.#registry.exists(query.name)) throw error;
        // The server's folders are not the caller's business: name the models, not where they are.
        const known = bundled.length > 0 ? bundled.join(', ') : 'none';
        throw new NotFoundError(
          `Model "${formatModelRef(query)}" is not registered and is not a bundled model (bundled: ${known}).`,
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

function pinnedOf(info: ModelVersionInfo): PinnedModel {
  return { name: info.name, version: info.version, sha256: info.sha256, files: info.files };
}
