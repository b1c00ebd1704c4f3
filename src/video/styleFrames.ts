import { WorkCancelledError, type WorkHandler, type WorkHandlerContext } from '../dispatch';
import { readBatch, writeBatch, type DecodedBatch } from './FrameBatch';
import { registryModelReader, type ReadStyleModel } from './registryModelReader';
import { StyleSessions } from './StyleSessions';
import type { StyleModelSession } from './StyleModelSession';
import { parseStyleFramesPayload, type StyleFramesPayload } from './StyleFramesPayload';

/** One batch's stage times in milliseconds (reading and writing overlap the next batch's inference). */
export interface BatchTiming {
  readonly first: number;
  readonly last: number;
  readonly readMs: number;
  readonly decodeMs: number;
  readonly inferenceMs: number;
  readonly encodeMs: number;
  readonly writeMs: number;
}

/** What `styleFrames` returns to the dispatcher: counts and timings, never frame data. */
export interface StyleFramesOutput {
  /** Frames styled and written: all of first..last (a cancelled item throws WorkCancelledError). */
  readonly frames: number;
  readonly model: string;
  readonly executionProvider: 'cuda' | 'cpu';
  /** The size the model ran at, when frames were resized to it (and back). */
  readonly resizedTo?: { readonly width: number; readonly height: number };
  readonly batches: readonly BatchTiming[];
}

export interface StyleFramesOptions {
  /** Reads a pinned model's bytes; default: from the model registry on the context's storage. */
  readonly readModel?: ReadStyleModel;
}

/**
 * The `styleFrames` work handler: styles frames first..last of a video, `batchSize` frames per
 * inference call, reading `{framesPrefix}{index:06}.png` and writing `{outputPrefix}{index:06}.png` in
 * the payload's container. The next batch is read while one runs; the cancel marker is checked before
 * each batch. The model session is kept for the next work item of the same model.
 */
export function createStyleFrames(options: StyleFramesOptions = {}): WorkHandler {
  const sessions = new StyleSessions(options.readModel ?? registryModelReader());
  return async (payload, context) => styleRange(parseStyleFramesPayload(payload), context, sessions);
}

/** The handler the worker registers for kind `styleFrames` (registry settings read on first use). */
export const styleFrames: WorkHandler = createStyleFrames();

async function styleRange(
  payload: StyleFramesPayload,
  context: WorkHandlerContext,
  sessions: StyleSessions,
): Promise<StyleFramesOutput> {
  const session = await sessions.open(payload.model, context);
  const container = context.storage.container(payload.container);
  const read = (first: number) =>
    readBatch(
      container,
      payload.framesPrefix,
      first,
      Math.min(payload.batchSize, payload.last - first + 1),
      session.size,
    );
  const batches: BatchTiming[] = [];
  let resizedTo: DecodedBatch['size'] | undefined;
  let next: Promise<DecodedBatch> | undefined = handled(read(payload.first));
  let writing: Promise<unknown> = Promise.resolve();
  while (next) {
    if (await context.cancelled()) {
      await writing;
      // The worker answers a cancelled item `cancelled`, whatever it had done: the job no longer waits.
      throw new WorkCancelledError(`Cancelled after ${framesIn(batches)} frame(s).`);
    }
    const batch: DecodedBatch = await next;
    const following = batch.first + batch.count;
    next = following <= payload.last ? handled(read(following)) : undefined;
    const started = performance.now();
    const styled = await session.styleBatch(batch.planes, batch.count, batch.size.width, batch.size.height);
    const inferenceMs = performance.now() - started;
    if (wasResized(batch)) resizedTo = batch.size;
    await writing;
    writing = handled(
      writeBatch(container, payload.outputPrefix, batch, styled).then((times) =>
        batches.push({ ...timingOf(batch), inferenceMs, ...times }),
      ),
    );
  }
  await writing;
  return outputOf(payload, context, session, { batches, resizedTo });
}

function framesIn(batches: readonly BatchTiming[]): number {
  return batches.reduce((sum, batch) => sum + batch.last - batch.first + 1, 0);
}

function outputOf(
  payload: StyleFramesPayload,
  context: WorkHandlerContext,
  session: StyleModelSession,
  done: { batches: BatchTiming[]; resizedTo: DecodedBatch['size'] | undefined },
): StyleFramesOutput {
  const frames = framesIn(done.batches);
  context.log(
    `styleFrames ${payload.container}/${payload.framesPrefix} ${payload.first}-${payload.last}: ` +
      `${frames} frames styled with ${session.label}`,
  );
  return {
    frames,
    model: session.label,
    executionProvider: context.executionProvider,
    ...(done.resizedTo ? { resizedTo: done.resizedTo } : {}),
    batches: done.batches,
  };
}

function timingOf(batch: DecodedBatch): Pick<BatchTiming, 'first' | 'last' | 'readMs' | 'decodeMs'> {
  return {
    first: batch.first,
    last: batch.first + batch.count - 1,
    readMs: batch.readMs,
    decodeMs: batch.decodeMs,
  };
}

function wasResized(batch: DecodedBatch): boolean {
  return batch.sources.some(
    (source) => source.width !== batch.size.width || source.height !== batch.size.height,
  );
}

/** The promise, with its rejection marked handled until it is awaited (a read ahead may fail while a batch runs). */
function handled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}
