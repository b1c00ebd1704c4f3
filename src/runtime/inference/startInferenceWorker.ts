import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '../workers/startModuleWorker';
import type { WorkerSettings } from './workerProtocol';

/** Starts an inference worker thread (inferenceWorker next to this module). */
export function startInferenceWorker(settings: WorkerSettings): Worker {
  return startModuleWorker(__dirname, 'inferenceWorker', settings);
}
