import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { ValidationError } from '../../errors';
import type { ModelSignature } from '../../scoring/inference/readModelSignature';

/** Loads a model file with onnxruntime and reads what it takes and returns. */
export interface ModelInspector {
  /** The model's signature; a file onnxruntime refuses is a ValidationError with the runtime's reason. */
  inspect(onnx: Uint8Array, name: string): Promise<ModelSignature>;
}

type WorkerAnswer = { ok: true; signature: ModelSignature } | { ok: false; message: string };

// Under ts-jest there is no compiled worker: the .ts entry is loaded through a transpile-on-require hook,
// as the inference pool does for its workers.
const typeScriptBootstrap = `
const { workerData } = require('node:worker_threads');
const fs = require('node:fs');
const ts = require(workerData.bootstrap.typescript);
require.extensions['.ts'] = (module, filename) => {
  const { outputText } = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
    fileName: filename,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  });
  module._compile(outputText, filename);
};
require(workerData.bootstrap.entry);
`;

/**
 * Loads each model in a worker thread of its own, so that a large or hostile file never blocks the
 * event loop of the host that is serving requests. Registration is rare; a thread per call is cheap.
 */
export class WorkerModelInspector implements ModelInspector {
  inspect(onnx: Uint8Array, name: string): Promise<ModelSignature> {
    return new Promise((resolve, reject) => {
      const worker = startWorker({ onnx, name });
      let answered = false;
      worker.once('message', (answer: WorkerAnswer) => {
        answered = true;
        if (answer.ok) resolve(answer.signature);
        else reject(new ValidationError(answer.message, { field: 'onnx' }));
        void worker.terminate();
      });
      worker.once('error', (error) => {
        answered = true;
        reject(new Error(`Model "${name}": the inspection worker failed: ${error.message}`));
      });
      worker.once('exit', (code) => {
        if (!answered)
          reject(new Error(`Model "${name}": the inspection worker exited (${code}) without an answer`));
      });
    });
  }
}

function startWorker(data: { onnx: Uint8Array; name: string }): Worker {
  const compiled = path.join(__dirname, 'inspectModelWorker.js');
  if (existsSync(compiled)) return new Worker(compiled, { workerData: data });
  const entry = path.join(__dirname, 'inspectModelWorker.ts');
  const bootstrap = { entry, typescript: require.resolve('typescript') };
  return new Worker(typeScriptBootstrap, { eval: true, workerData: { ...data, bootstrap } });
}
