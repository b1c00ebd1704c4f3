import type { StorageClients } from '../storage/StorageClients';

/** One attempt at one unit of work, as it travels on the work queue. */
export interface WorkItem {
  /** Unique per attempt: `${jobId}.${unit}.a${attempt}`. */
  readonly itemId: string;
  readonly jobId: string;
  /** The unit of work, stable across attempts (e.g. 'frames-000120-000127'). */
  readonly unit: string;
  readonly attempt: number;
  /** The orchestration to notify. */
  readonly instanceId: string;
  /** Handler name in the worker, e.g. 'styleFrames'. */
  readonly kind: string;
  readonly timeoutSeconds: number;
  /** The handler's input; the handler validates it. */
  readonly payload: unknown;
}

/** What a worker reports for one item, on the results queue. */
export interface WorkResult {
  readonly itemId: string;
  readonly jobId: string;
  readonly unit: string;
  readonly attempt: number;
  readonly instanceId: string;
  readonly kind: string;
  readonly status: 'succeeded' | 'failed' | 'cancelled';
  /** Names the input; never a secret. */
  readonly error?: string;
  readonly executionProvider: 'cuda' | 'cpu';
  /** Where it ran, e.g. 'local process 1234'. */
  readonly ranOn: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  /** The handler's small result (counts, timings), not data. */
  readonly output?: unknown;
}

export interface WorkHandlerContext {
  readonly storage: StorageClients;
  readonly executionProvider: 'cuda' | 'cpu';
  /** True once the job was cancelled. */
  readonly cancelled: () => Promise<boolean>;
  readonly log: (message: string) => void;
}

export type WorkHandler = (payload: unknown, context: WorkHandlerContext) => Promise<unknown>;

export interface WorkDispatcher {
  readonly name: 'local' | 'containerApps';
  /** Enqueues the items and makes sure workers run. */
  dispatch(items: readonly WorkItem[]): Promise<void>;
  /** Workers stop this job's items. */
  cancel(jobId: string): Promise<void>;
  close(): Promise<void>;
}

/** The orchestration event a work item's result arrives as. */
export function workEventName(itemId: string): string {
  return `work:${itemId}`;
}
