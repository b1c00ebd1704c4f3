import { createRequire } from 'node:module';
import type { WorkHandler } from '../dispatch/workContracts';

interface HandlerModule {
  /** Path of the module, relative to this one. */
  readonly module: string;
  /** Its export that is the handler. */
  readonly exportName: string;
}

/**
 * Work kinds and the modules that handle them. A module is loaded on the first item of its kind, so a
 * worker image carries every handler but loads (and initialises onnxruntime sessions for) only those
 * it runs.
 */
const workHandlers: Readonly<Record<string, HandlerModule>> = {
  styleFrames: { module: '../video/styleFrames', exportName: 'styleFrames' },
};

/** Test-only kinds, registered only when WORKER_TEST_HANDLERS names them. */
const testHandlers: Readonly<Record<string, HandlerModule>> = {
  'test.sleep': { module: './testSleepHandler', exportName: 'testSleepHandler' },
};

/** Resolves work kinds to handlers, loading each module once. */
export class HandlerRegistry {
  readonly #entries: Map<string, HandlerModule>;
  readonly #loaded = new Map<string, WorkHandler>();

  constructor(enabledTestKinds: readonly string[]) {
    this.#entries = new Map(Object.entries(workHandlers));
    for (const kind of enabledTestKinds) {
      const entry = testHandlers[kind];
      if (!entry) throw new Error(`WORKER_TEST_HANDLERS names ${kind}, which is not a test handler.`);
      this.#entries.set(kind, entry);
    }
  }

  kinds(): string[] {
    return [...this.#entries.keys()];
  }

  /** The handler for `kind`; throws an error naming the kind (and the module) when there is none. */
  handlerFor(kind: string): WorkHandler {
    const loaded = this.#loaded.get(kind);
    if (loaded) return loaded;
    const entry = this.#entries.get(kind);
    if (!entry)
      throw new Error(`No handler for work kind ${kind}; this worker handles ${this.kinds().join(', ')}.`);
    const handler = loadHandler(kind, entry);
    this.#loaded.set(kind, handler);
    return handler;
  }
}

function loadHandler(kind: string, entry: HandlerModule): WorkHandler {
  let exports: Record<string, unknown>;
  try {
    // By path, not a static import: a handler's feature may be absent from a build without it.
    exports = createRequire(__filename)(entry.module) as Record<string, unknown>;
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new Error(`The handler module for work kind ${kind} (${entry.module}) cannot be loaded: ${reason}`);
  }
  const handler = exports[entry.exportName];
  if (typeof handler !== 'function')
    throw new Error(
      `The module ${entry.module} exports no function ${entry.exportName} for work kind ${kind}.`,
    );
  return handler as WorkHandler;
}
