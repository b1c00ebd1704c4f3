import { parentPort } from 'node:worker_threads';
import { toWorkerError, type WorkerError } from './workerErrors';

/** A task sent to a TaskPool worker. */
export interface TaskMessage<Request> {
  readonly id: number;
  readonly request: Request;
}

/** A worker's answer: the task's result, or what it threw. */
export type TaskReply<Result> =
  | { readonly id: number; readonly ok: true; readonly result: Result }
  | { readonly id: number; readonly ok: false; readonly error: WorkerError };

/** Serves a TaskPool from inside its worker thread: each task message runs `task` and posts the outcome. */
export function serveTasks<Request, Result>(task: (request: Request) => Result | Promise<Result>): void {
  const port = parentPort;
  if (!port) throw new Error('serveTasks runs in a worker thread started by TaskPool');
  port.on('message', (message: TaskMessage<Request>) => {
    void (async () => {
      let reply: TaskReply<Result>;
      try {
        reply = { id: message.id, ok: true, result: await task(message.request) };
      } catch (error) {
        reply = { id: message.id, ok: false, error: toWorkerError(error) };
      }
      port.postMessage(reply);
    })();
  });
}
