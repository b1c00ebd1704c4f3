import Module from 'node:module';
import type { FunctionsCore } from './FunctionsCore';

const coreModuleName = '@azure/functions-core';
type RequireFunction = (this: NodeJS.Module, id: string) => unknown;

/**
 * Answers `require('@azure/functions-core')` with the given core, as the Node worker does. It must run
 * before the app's first `app.*` call: the library caches a failed lookup as "test mode" for good.
 */
export function installCoreModule(core: FunctionsCore): () => void {
  const moduleClass = Module as unknown as { prototype: { require: RequireFunction } };
  const original = moduleClass.prototype.require;
  const patched: RequireFunction = function (this: NodeJS.Module, id: string) {
    return id === coreModuleName ? core : original.call(this, id);
  };
  moduleClass.prototype.require = patched;
  return () => {
    if (moduleClass.prototype.require === patched) moduleClass.prototype.require = original;
  };
}
