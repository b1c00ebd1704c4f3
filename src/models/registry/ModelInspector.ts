import type { Worker } from 'node:worker_threads';
import { ValidationError } from '../../errors';
import type { ModelSignature } from '../../scoring/inference/readModelSignature';
import { startModuleWorker } from '../../workers/startModuleWorker';

/** Loads a model file with onnxruntime and reads what it takes and returns. */
export interface ModelInspector {
  /** The model's signature; a file onnxruntime refuses is a ValidationError with the runtime's reason. */
  inspect(onnx: Uint8Array, name: string): Promise<ModelSignature>;
}

type WorkerAnswer = { ok: true; signature: ModelSignature } | { ok: false; message: string };

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
  return startModuleWorker(__dirname, 'inspectModelWorker', data);
}
