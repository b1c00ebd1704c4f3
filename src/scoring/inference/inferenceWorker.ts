/**
 * Entry point of an inference worker thread (started by InferencePool). Holds one onnxruntime session
 * per model key in an LRU cache and answers one RunRequest at a time: `run()` blocks this thread, not
 * the main event loop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { InferenceSession } from 'onnxruntime-node';
import { LruCache } from './LruCache';
import { runSession } from './runSession';
import { bufferList } from './bufferList';
import type { OutputTensor, RunRequest, RunResponse, WorkerSettings } from './workerProtocol';

const settings = workerData as WorkerSettings;
const sessions = new LruCache<InferenceSession>(settings.maxSessions, (session) => void session.release());
const port = parentPort;
if (port === null) throw new Error('inferenceWorker must run in a worker thread');

port.on('message', (request: RunRequest) => {
  void handle(request).then((response) => {
    if (response.ok) port.postMessage(response, transferablesOf(response.outputs));
    else if (response.kind === 'missing-model') port.postMessage(response, bufferList(response.inputs));
    else port.postMessage(response);
  });
});

async function handle(request: RunRequest): Promise<RunResponse> {
  let session = sessions.get(request.key);
  if (session === undefined) {
    if (request.onnx === undefined) {
      return { id: request.id, ok: false, kind: 'missing-model', inputs: request.inputs };
    }
    try {
      session = await InferenceSession.create(request.onnx, {
        intraOpNumThreads: settings.intraOpThreads,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
      });
    } catch (error) {
      return { id: request.id, ok: false, kind: 'load', message: messageOf(error) };
    }
    sessions.set(request.key, session);
  }
  try {
    const outputs = await runSession(session, request.inputs, request.outputNames);
    return { id: request.id, ok: true, outputs };
  } catch (error) {
    return { id: request.id, ok: false, kind: 'run', message: messageOf(error) };
  }
}

/** Output buffers go back by transfer; a view into a larger buffer is copied first so only it moves. */
function transferablesOf(outputs: Record<string, OutputTensor>): ArrayBuffer[] {
  for (const [name, output] of Object.entries(outputs)) {
    const data = output.data;
    if (data.byteOffset !== 0 || data.byteLength !== data.buffer.byteLength) {
      outputs[name] = { ...output, data: data.slice() };
    }
  }
  return bufferList(outputs);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
