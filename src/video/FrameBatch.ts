import type { ContainerClient } from '@azure/storage-blob';
import { NotFoundError } from '../errors';
import { readBlob } from '../storage/readBlob';
import { decodeFrame, encodeFrame, frameSizeOf, type FrameSize } from './frameTensors';
import { frameBlobName } from './StyleFramesPayload';

/** One batch of frames decoded into the model's input layout [count,3,H,W]. */
export interface DecodedBatch {
  readonly first: number;
  readonly count: number;
  /** The size the model runs at. */
  readonly size: FrameSize;
  readonly planes: Float32Array;
  /** Each frame's own size: the styled frame is written back at it. */
  readonly sources: readonly FrameSize[];
  readonly readMs: number;
  readonly decodeMs: number;
}

/**
 * Downloads frames `first..first+count-1` and decodes them into one float32 batch at `size` (the
 * model's fixed size, or the first frame's for a model of any size). A missing frame → NotFoundError
 * naming its blob.
 */
export async function readBatch(
  container: ContainerClient,
  prefix: string,
  first: number,
  count: number,
  size: FrameSize | undefined,
): Promise<DecodedBatch> {
  const started = performance.now();
  const pngs = await Promise.all(
    Array.from({ length: count }, (_, offset) =>
      downloadFrame(container, frameBlobName(prefix, first + offset)),
    ),
  );
  const read = performance.now();
  const runSize = size ?? (await frameSizeOf(pngs[0]!));
  const frameValues = 3 * runSize.width * runSize.height;
  const planes = new Float32Array(count * frameValues);
  const sources = await Promise.all(pngs.map((png, i) => decodeFrame(png, runSize, planes, i * frameValues)));
  return {
    first,
    count,
    size: runSize,
    planes,
    sources,
    readMs: read - started,
    decodeMs: performance.now() - read,
  };
}

/** Encodes the styled batch as PNGs at each frame's own size and uploads them (overwriting: idempotent). */
export async function writeBatch(
  container: ContainerClient,
  prefix: string,
  batch: DecodedBatch,
  styled: Float32Array,
): Promise<{ encodeMs: number; writeMs: number }> {
  const started = performance.now();
  const frameValues = 3 * batch.size.width * batch.size.height;
  const pngs = await Promise.all(
    batch.sources.map((source, i) => encodeFrame(styled, i * frameValues, batch.size, source)),
  );
  const encoded = performance.now();
  await Promise.all(
    pngs.map((png, i) =>
      container
        .getBlockBlobClient(frameBlobName(prefix, batch.first + i))
        .uploadData(png, { blobHTTPHeaders: { blobContentType: 'image/png' } }),
    ),
  );
  return { encodeMs: encoded - started, writeMs: performance.now() - encoded };
}

async function downloadFrame(container: ContainerClient, name: string): Promise<Buffer> {
  try {
    return (await readBlob(container.getBlobClient(name))).bytes;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404)
      throw new NotFoundError(`Frame ${container.containerName}/${name} not found.`);
    throw error;
  }
}
