import type { StorageClients } from '../storage/StorageClients';

export interface WorkItem {
  readonly itemId: string; // unique per attempt: `${jobId}.${unit}.a${attempt}`
  readonly jobId: string;
  readonly unit: string; // the unit of work, stable across attempts (e.g. 'frames-000120-000127')
  readonly attempt: number; // 1, 2, ...
  readonly instanceId: string; // the orchestration to notify
  readonly kind: string; // handler name in the worker, e.g. 'styleFrames'
  readonly timeoutSeconds: number;
  readonly payload: unknown; // the handler's input; the handler validates it with zod
}
export interface WorkResult {
  readonly itemId: string;
  readonly jobId: string;
  readonly unit: string;
  readonly attempt: number;
  readonly instanceId: string;
  readonly kind: string;
  readonly status: 'succeeded' | 'failed' | 'cancelled';
  readonly error?: string; // message, names the input; never a secret
  readonly executionProvider: 'cuda' | 'cpu';
  readonly ranOn: string; // e.g. 'local process 1234', 'container apps execution <name>'
  readonly startedAt: string;
  readonly finishedAt: string; // ISO
  readonly output?: unknown; // the handler's small result (counts, timings), not data
}
export interface WorkHandlerContext {
  readonly storage: StorageClients; // src/storage/StorageClients
  readonly executionProvider: 'cuda' | 'cpu';
  readonly cancelled: () => Promise<boolean>; // true once the job was cancelled
  readonly log: (message: string) => void;
}
export type WorkHandler = (payload: unknown, context: WorkHandlerContext) => Promise<unknown>;
export interface WorkDispatcher {
  readonly name: 'local' | 'containerApps';
  dispatch(items: readonly WorkItem[]): Promise<void>; // enqueue + make sure workers run
  cancel(jobId: string): Promise<void>; // workers stop this job's items
  close(): Promise<void>;
}
