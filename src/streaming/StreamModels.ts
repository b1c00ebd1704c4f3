import { ValidationError } from '../errors';
import type { FeatureMapping } from '../runtime/inference/mapFeatures';
import type { ModelRunner } from '../runtime/inference/ModelRunner';
import { labelOf, type LoadedModel, type PinnedModel } from '../runtime/models/LoadedModel';
import type { ModelLoader } from '../runtime/models/ModelLoader';
import { parseModelRef } from '../runtime/models/ModelRef';
import type { StreamDefinition } from './StreamDefinition';

/** A stream's model, pinned (name, version, SHA-256) and loaded, and how its features feed it. */
export interface StreamModel {
  readonly model: LoadedModel;
  readonly mapping: FeatureMapping;
}

/**
 * Pins each stream's model once per process, when the stream first scores: every batch after that
 * is scored by the same version (a promotion takes effect when the app restarts). A failed resolution
 * is not kept, so the next batch tries again.
 */
export class StreamModels {
  readonly #pinned = new Map<string, Promise<StreamModel>>();
  readonly #versions = new Map<string, Promise<StreamModel>>();
  readonly #prepared = new Set<string>();

  constructor(private readonly runtime: { readonly models: ModelLoader; readonly runner: ModelRunner }) {}

  forStream(stream: StreamDefinition): Promise<StreamModel> {
    let pinned = this.#pinned.get(stream.name);
    if (!pinned) {
      pinned = this.#pin(stream);
      pinned.catch(() => this.#pinned.delete(stream.name));
      this.#pinned.set(stream.name, pinned);
    }
    return pinned;
  }

  /** A version pinned elsewhere (a window pins its own), loaded and mapped; cached per version. */
  forPinned(stream: StreamDefinition, pinned: PinnedModel): Promise<StreamModel> {
    const key = `${stream.name}\n${labelOf(pinned)}:${pinned.sha256}`;
    let loaded = this.#versions.get(key);
    if (!loaded) {
      loaded = this.runtime.models.load(pinned).then((model) => this.#mapped(stream, model));
      loaded.catch(() => this.#versions.delete(key));
      this.#versions.set(key, loaded);
    }
    return loaded;
  }

  /**
   * Resolves and loads a window stream's current model in the background, once per process, so the
   * first window's close (the first resolution may seed the registry from the bundled models) and its
   * first shard (the first load reads and checks the file) find them ready. A warm-up only: each close
   * still pins the version current at its close; a failure here is the close's to report.
   */
  prepare(stream: StreamDefinition): void {
    if (this.#prepared.has(stream.name)) return;
    this.#prepared.add(stream.name);
    this.runtime.models
      .resolve(parseModelRef(stream.model, 'model'))
      .then((model) => this.forPinned(stream, model))
      .catch(() => undefined);
  }

  async #pin(stream: StreamDefinition): Promise<StreamModel> {
    return this.#mapped(stream, await this.runtime.models.resolve(parseModelRef(stream.model, 'model')));
  }

  async #mapped(stream: StreamDefinition, model: LoadedModel): Promise<StreamModel> {
    const mapping = await this.runtime.runner.mapInputs(model, stream.features, stream.features);
    const unused = stream.features.filter((feature) => !mapping.featureColumns.includes(feature));
    if (unused.length > 0)
      throw new ValidationError(
        `Stream ${stream.name}: features ${unused.join(', ')} are not inputs of model ${model.name}@${model.version} ` +
          `(it reads ${mapping.featureColumns.join(', ')}); list exactly the model card's features.`,
        { field: 'features' },
      );
    return { model, mapping };
  }
}
