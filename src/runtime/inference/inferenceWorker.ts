/**
 * The inference task of the worker pool: holds onnxruntime sessions per model key (least recently
 * used out first) and answers one request at a time: a model run on ready inputs, a whole text
 * partition (parse, run, format), a shard of images (decode, run, rank), or a model's signature. `run()` and the parsing block this thread,
 * never the main event loop.
 */
import { LRUCache } from 'lru-cache';
import { InferenceSession } from 'onnxruntime-node';
import { workerTask, type TaskResult } from '../workers/workerTask';
import { bufferList } from './bufferList';
import { classifyImages } from './classifyImages';
import { modelLoadError, toModelSignature } from './readModelSignature';
import { runSession } from './runSession';
import { scoreTextPartition } from './textPartition';
import type { InferenceRequest, InferenceResult, InferenceSettings, InspectOutcome } from './workerProtocol';

let sessions: LRUCache<string, InferenceSession> | undefined;

function sessionCache(settings: InferenceSettings): LRUCache<string, InferenceSession> {
  sessions ??= new LRUCache({ max: settings.maxSessions, dispose: (session) => void session.release() });
  return sessions;
}

async function sessionFor(request: InferenceRequest): Promise<InferenceSession> {
  const cache = sessionCache(request.settings);
  const held = cache.get(request.key);
  if (held) return held;
  let session: InferenceSession;
  try {
    // onnxruntime reads models from ordinary buffers only: copy the shared bytes once per session.
    session = await InferenceSession.create(new Uint8Array(request.onnx), {
      intraOpNumThreads: request.settings.intraOpThreads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    });
  } catch (error) {
    throw modelLoadError(request.name, error);
  }
  cache.set(request.key, session);
  return session;
}

async function infer(request: InferenceRequest): Promise<TaskResult<InferenceResult>> {
  const { task } = request;
  if (task.kind === 'inspectAll')
    return { result: { signatures: await inspectAll(task.models, request.settings) } };
  const session = await sessionFor(request);
  if (task.kind === 'inspect') return { result: { signature: toModelSignature(request.name, session) } };
  if (task.kind === 'run') {
    let outputs;
    try {
      outputs = await runSession(session, task.inputs, task.outputNames);
    } catch (error) {
      throw new Error(`Model "${request.name}" failed to run: ${(error as Error).message}`);
    }
    for (const [name, output] of Object.entries(outputs)) outputs[name] = wholeBuffer(output);
    return { result: { outputs }, transfer: bufferList(outputs) };
  }
  if (task.kind === 'classifyImages')
    return { result: { classifications: await classifyImages(session, request.name, task.job) } };
  const partition = await scoreTextPartition(session, request.name, task.job);
  const output = wholeBuffer({ data: partition.output }).data;
  return {
    result: { partition: { ...partition, output } },
    transfer: bufferList({ output: { data: output } }),
  };
}

/** Each model's signature, read from a session opened for it alone and released at once. */
async function inspectAll(
  models: Extract<InferenceRequest['task'], { kind: 'inspectAll' }>['models'],
  settings: InferenceSettings,
): Promise<InspectOutcome[]> {
  const outcomes: InspectOutcome[] = [];
  for (const { name, onnx } of models) {
    let session: InferenceSession;
    try {
      session = await InferenceSession.create(onnx, { intraOpNumThreads: settings.intraOpThreads });
    } catch (error) {
      outcomes.push({ ok: false, message: modelLoadError(name, error).message });
      continue;
    }
    outcomes.push({ ok: true, signature: toModelSignature(name, session) });
    await session.release();
  }
  return outcomes;
}

/** A view into a larger buffer is copied first, so that only its own bytes go back. */
function wholeBuffer<T extends { data: ArrayBufferView }>(tensor: T): T {
  const data = tensor.data as Uint8Array;
  if (data.byteOffset === 0 && data.byteLength === data.buffer.byteLength) return tensor;
  // The generic typed-array slice copies (Buffer's own slice would return a view).
  return { ...tensor, data: Uint8Array.prototype.slice.call(data) };
}

export default workerTask(infer, { transfersResults: true });
