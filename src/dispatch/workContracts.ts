import { z } from 'zod';
import type { StorageClients } from '../storage/StorageClients';

/** One unit of container work, as it travels on the work queue. */
export interface WorkItem {
  /** Unique per attempt: `${jobId}.${unit}.a${attempt}`. */
  readonly itemId: string;
  readonly jobId: string;
  /** The unit of work, stable across attempts (e.g. 'frames-000120-000127'); outputs are named by it. */
  readonly unit: string;
  /** 1, 2, ... */
  readonly attempt: number;
  /** The orchestration to notify. */
  readonly instanceId: string;
  /** The handler's name in the worker, e.g. 'styleFrames'. */
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
  /** A message that names the input; never a secret. */
  readonly error?: string;
  readonly executionProvider: 'cuda' | 'cpu';
  /** e.g. 'local process 1234', 'container apps execution <name>'. */
  readonly ranOn: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  /** The handler's small result (counts, timings), not data. */
  readonly output?: unknown;
}

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

export const workItemSchema = z.object({
  itemId: name,
  jobId: name,
  unit: name,
  attempt: z.number().int().positive(),
  instanceId: name,
  kind: name,
  timeoutSeconds: z.number().int().positive(),
  payload: z.unknown(),
}) satisfies z.ZodType<WorkItem>;

export const workResultSchema = z.object({
  itemId: name,
  jobId: name,
  unit: name,
  attempt: z.number().int().positive(),
  instanceId: name,
  kind: name,
  status: z.enum(['succeeded', 'failed', 'cancelled']),
  error: z.string().optional(),
  executionProvider: z.enum(['cuda', 'cpu']),
  ranOn: z.string(),
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime(),
  output: z.unknown().optional(),
}) satisfies z.ZodType<WorkResult>;

/** The item id the design fixes: one per attempt of a unit. */
export function workItemId(jobId: string, unit: string, attempt: number): string {
  return `${jobId}.${unit}.a${attempt}`;
}

/** The orchestration event a work item's result arrives as. */
export function workEventName(itemId: string): string {
  return `work:${itemId}`;
}
