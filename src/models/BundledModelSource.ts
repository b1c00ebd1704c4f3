import { existsSync } from 'node:fs';
import path from 'node:path';
import type { ModelSource, ScoringModel } from '../scoring/ScoringPorts';
import { loadBundledModel } from './loadBundledModel';

/** Models from the app's `models/` folder (until the registry lands), loaded once per reference. */
export class BundledModelSource implements ModelSource {
  readonly #loaded = new Map<string, Promise<ScoringModel>>();

  constructor(private readonly directory: string) {}

  resolve(ref: string): Promise<ScoringModel> {
    let model = this.#loaded.get(ref);
    if (!model) {
      model = loadBundledModel(this.directory, ref).then((loaded) => ({
        ...loaded,
        version: String(loaded.version),
      }));
      model.catch(() => this.#loaded.delete(ref));
      this.#loaded.set(ref, model);
    }
    return model;
  }

  has(name: string): boolean {
    return (
      /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name) && existsSync(path.join(this.directory, name, 'model.onnx'))
    );
  }
}
