import { z } from 'zod';
import type { StorageClients } from '../storage/StorageClients';

export interface WorkHandlerContext {
  readonly storage: StorageClients;
  readonly executionProvider: 'cuda' | 'cpu';
  /** onnxruntime's intra-op threads per inference call; undefined: its default (one per core). */
  readonly intraOpThreads?: number;
  /** True once the item's job was cancelled. */
  readonly cancelled: () => Promise<boolean>;
  readonly log: (message: string) => void;
}

export type WorkHandler = (payload: unknown, context: WorkHandlerContext) => Promise<unknown>;

export interface WorkDispatcher {
  readonly name: 'local' | 'containerApps';
  /** Enqueues the items and makes sure workers run. */
  dispatch(items: readonly WorkItem[]): Promise<void>;
  /** Workers stop this job's items: the ones not started answer `cancelled`. */
  cancel(jobId: string): Promise<void>;
  close(): Promise<void>;
}

/** A handler throws this when it stops because its job was cancelled; the item answers `cancelled`. */
export class WorkCancelledError extends Error {
  override name = 'WorkCancelledError';
}

/** The container of cancel markers: `work-control/{jobId}/cancelled`. */
export const workControlContainer = 'work-control';

export function cancelMarkerName(jobId: string): string {
  return `${jobId}/cancelled`;
}

const name = z.string().min(1);

/** What names an item and where its result goes: in the item and again in its result. */
const itemFields = {
  /** Unique per attempt: `${jobId}.${unit}.a${attempt}` (workItemId). */
  itemId: name,
  jobId: name,
  /** The unit of work, stable across attempts (e.g. 'frames-000120-000127'); outputs are named by it. */
  unit: name,
  /** 1, 2, ... */
  attempt: z.number().int().positive(),
  /** The orchestration to notify. */
  instanceId: name,
  /** The handler's name in the worker, e.g. 'styleFrames'. */
  kind: name,
};

/** One unit of container work, as it travels on the work queue. */
export const workItemSchema = z.object({
  ...itemFields,
  timeoutSeconds: z.number().int().positive(),
  /** The handler's input; the handler validates it. */
  payload: z.unknown(),
});
export type WorkItem = Readonly<z.infer<typeof workItemSchema>>;

/** What a worker reports for one item, on the results queue. */
export const workResultSchema = z.object({
  ...itemFields,
  status: z.enum(['succeeded', 'failed', 'cancelled']),
  /** A message that names the input; never a secret. */
  error: z.string().optional(),
  executionProvider: z.enum(['cuda', 'cpu']),
  /** e.g. 'local process 1234', 'container apps execution <name>'. */
  ranOn: z.string(),
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime(),
  /** The handler's small result (counts, timings), not data. */
  output: z.unknown().optional(),
});
export type WorkResult = Readonly<z.infer<typeof workResultSchema>>;

/** The item id the design fixes: one per attempt of a unit. */
export function workItemId(jobId: string, unit: string, attempt: number): string {
  return `${jobId}.${unit}.a${attempt}`;
}

/** The orchestration event a work item's result arrives as. */
export function workEventName(itemId: string): string {
  return `work:${itemId}`;
}
