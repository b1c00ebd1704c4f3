/**
 * Entry point of a short-lived worker thread (started by WorkerModelInspector): loads one model with
 * onnxruntime, answers with its signature or the runtime's reason, and ends.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { readModelSignature } from '../../scoring/inference/readModelSignature';

const port = parentPort;
if (port === null) throw new Error('inspectModelWorker must run in a worker thread');
const { onnx, name } = workerData as { onnx: Uint8Array; name: string };

readModelSignature(onnx, name).then(
  (signature) => port.postMessage({ ok: true, signature }),
  (error: unknown) =>
    port.postMessage({ ok: false, message: error instanceof Error ? error.message : String(error) }),
);
