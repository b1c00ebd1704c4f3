import type { WorkHandlerContext } from '../dispatch';
import type { ReadStyleModel } from './registryModelReader';
import { StyleModelSession, type StyleModelRef } from './StyleModelSession';

/**
 * The open style model of a worker process: kept for the next work item of the same model and
 * execution provider, released when another is needed (one model's weights in memory at a time).
 */
export class StyleSessions {
  #key: string | undefined;
  #session: Promise<StyleModelSession> | undefined;

  constructor(private readonly readModel: ReadStyleModel) {}

  open(model: StyleModelRef, context: WorkHandlerContext): Promise<StyleModelSession> {
    const key = `${model.sha256}:${context.executionProvider}:${context.intraOpThreads ?? 'default'}`;
    if (this.#key === key && this.#session) return this.#session;
    const previous = this.#session;
    this.#key = key;
    this.#session = (async () => {
      await previous?.then((session) => session.release()).catch(() => undefined);
      const onnx = await this.readModel(model, context.storage);
      return StyleModelSession.open(model, onnx, context.executionProvider, context.intraOpThreads);
    })();
    // A failed open is not kept: the next work item tries again.
    this.#session.catch(() => {
      if (this.#key === key) [this.#key, this.#session] = [undefined, undefined];
    });
    return this.#session;
  }
}
