/**
 * Entry point of an inference worker thread (started by InferencePool). Holds one onnxruntime session
 * per model key in an LRU cache and answers one request at a time: a model run on ready inputs, or a
 * whole text partition (parse, run, format). Either way `run()` and the parsing block this thread, not
 * the main event loop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { InferenceSession } from 'onnxruntime-node';
import { LruCache } from './LruCache';
import { toModelSignature } from './readModelSignature';
import { runSession } from './runSession';
import { bufferList } from './bufferList';
import { scoreTextPartition } from './textPartition';
import { toWorkerError } from '../workers/workerErrors';
import type { WorkerRequest, WorkerResponse, WorkerSettings, WorkerTask } from './workerProtocol';

const settings = workerData as WorkerSettings;
const sessions = new LruCache<InferenceSession>(settings.maxSessions, (session) => void session.release());
const port = parentPort;
if (port === null) throw new Error('inferenceWorker must run in a worker thread');

port.on('message', (request: WorkerRequest) => {
  void handle(request).then((response) => port.postMessage(response, transferablesOf(response)));
});

async function handle(request: WorkerRequest): Promise<WorkerResponse> {
  let session = sessions.get(request.key);
  if (session === undefined) {
    if (request.onnx === undefined) {
      return { id: request.id, ok: false, kind: 'missing-model', task: request.task };
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
  const { task } = request;
  if (task.kind === 'inspect')
    return { id: request.id, ok: true, signature: toModelSignature(request.name, session) };
  if (task.kind === 'run') {
    try {
      const outputs = await runSession(session, task.inputs, task.outputNames);
      return { id: request.id, ok: true, outputs };
    } catch (error) {
      return { id: request.id, ok: false, kind: 'run', message: messageOf(error) };
    }
  }
  try {
    const partition = await scoreTextPartition(session, request.name, task.job);
    return { id: request.id, ok: true, partition };
  } catch (error) {
    return { id: request.id, ok: false, kind: 'task', error: toWorkerError(error) };
  }
}

/** Buffers that go back by transfer; a view into a larger buffer is copied first so only it moves. */
function transferablesOf(response: WorkerResponse): ArrayBuffer[] {
  if (response.ok && 'outputs' in response) {
    const outputs = response.outputs;
    for (const [name, output] of Object.entries(outputs)) outputs[name] = wholeBuffer(output);
    return bufferList(outputs);
  }
  if (response.ok && 'partition' in response) {
    const result = response.partition as { output: Uint8Array };
    result.output = wholeBuffer({ data: result.output }).data;
    return bufferList({ output: { data: result.output } });
  }
  if (response.ok) return [];
  if (response.kind === 'missing-model') return taskBuffers(response.task);
  return [];
}

/** The buffers a task carries (sent back with a missing-model answer: the caller no longer has them). */
function taskBuffers(task: WorkerTask): ArrayBuffer[] {
  if (task.kind === 'run') return bufferList(task.inputs);
  if (task.kind === 'inspect') return [];
  return bufferList({ bytes: { data: task.job.bytes } });
}

function wholeBuffer<T extends { data: ArrayBufferView }>(tensor: T): T {
  const data = tensor.data as Uint8Array;
  if (data.byteOffset === 0 && data.byteLength === data.buffer.byteLength) return tensor;
  // The generic typed-array slice copies (Buffer's own slice would return a view).
  return { ...tensor, data: Uint8Array.prototype.slice.call(data) };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
