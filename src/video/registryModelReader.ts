import { ModelRegistry } from '../models';
import type { StorageClients } from '../storage/StorageClients';
import type { StyleModelRef } from './StyleModelSession';

/** Reads a pinned model's model.onnx (the caller checks its SHA-256 against the pin). */
export type ReadStyleModel = (model: StyleModelRef, storage: StorageClients) => Promise<Uint8Array>;

/**
 * Reads pinned models from the model registry on the given storage (table and container from the
 * settings MODEL_REGISTRY_TABLE and MODEL_REGISTRY_CONTAINER, default `models`, read on first use), as
 * the app's ModelLoader does: the registry refuses bytes whose SHA-256 is not the registered one. The
 * worker only reads, so its registry refuses to register.
 */
export function registryModelReader(env: NodeJS.ProcessEnv = process.env): ReadStyleModel {
  const registries = new WeakMap<StorageClients, ModelRegistry>();
  return async (model, storage) => {
    let registry = registries.get(storage);
    if (!registry) {
      registry = new ModelRegistry({
        storage,
        table: env.MODEL_REGISTRY_TABLE || 'models',
        container: env.MODEL_REGISTRY_CONTAINER || 'models',
        inspector: readOnly,
      });
      registries.set(storage, registry);
    }
    return (await registry.load(model)).onnx;
  };
}

const readOnly = {
  inspect: () => Promise.reject(new Error('The video worker reads models; it does not register them.')),
  inspectAll: () => Promise.reject(new Error('The video worker reads models; it does not register them.')),
};
