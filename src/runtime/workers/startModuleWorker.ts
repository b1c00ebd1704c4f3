import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * Loads a TypeScript worker entry in a thread that has no TypeScript loader (under ts-jest the tests run
 * src/*.ts, which jest transpiles only on its own thread): a require hook compiles each .ts file with
 * typescript's transpileModule, the way ts-jest does with isolatedModules.
 */
const typeScriptBootstrap = `
const { workerData } = require('node:worker_threads');
const fs = require('node:fs');
const ts = require(workerData.bootstrap.typescript);
require.extensions['.ts'] = (module, filename) => {
  const { outputText } = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
    fileName: filename,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, inlineSourceMap: true },
  });
  module._compile(outputText, filename);
};
require(workerData.bootstrap.entry);
`;

/**
 * Starts the worker module `<directory>/<name>.js` with `workerData`. From dist/ the compiled module is run
 * directly. From the TypeScript sources (tests) there is no .js beside it, so the .ts entry is loaded
 * through a small transpile-on-require bootstrap; `typescript` (a dev dependency) is needed only then, and
 * no build is needed before the tests, so they never run a stale dist/.
 */
export function startModuleWorker(directory: string, name: string, workerData: object): Worker {
  const compiled = path.join(directory, `${name}.js`);
  if (existsSync(compiled)) return new Worker(compiled, { workerData });
  const entry = path.join(directory, `${name}.ts`);
  const bootstrap = { entry, typescript: require.resolve('typescript') };
  return new Worker(typeScriptBootstrap, { eval: true, workerData: { ...workerData, bootstrap } });
}
