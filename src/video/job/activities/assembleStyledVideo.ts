import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { assembleVideo, frameBlobName } from '../../index';
import { formatFrameRate } from '../../media/FrameRate';
import type { VideoJobServices } from '../VideoJobServices';
import { workPrefixes, type AssembleVideoInput, type AssembledVideo } from '../videoJobContracts';
import { downloadFiles } from './workFiles';

/**
 * Reads every styled frame back from the work container, encodes them at the source's exact frame rate
 * with its audio track, and writes the video and its manifest (frames, model version, per-unit timings
 * and where each unit ran) to `{outputContainer}/videos/{jobId}/`. Names depend only on the job, so a
 * retried activity writes the same blobs again.
 */
export async function assembleStyledVideo(
  input: AssembleVideoInput,
  services: VideoJobServices,
): Promise<AssembledVideo> {
  const { jobId } = input.input;
  const { prepared } = input;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'durable-scoring-assemble-'));
  try {
    const work = services.storage.container(prepared.workContainer);
    const framesDir = path.join(dir, 'styled');
    await mkdir(framesDir);
    const frames = Array.from({ length: prepared.frames }, (_, i) => ({
      file: path.join(framesDir, frameBlobName('', i + 1)),
      blob: frameBlobName(workPrefixes(jobId).styled, i + 1),
    }));
    const audioFile = path.join(dir, 'audio.mka');
    const started = performance.now();
    await downloadFiles(
      work,
      prepared.audioCodec ? [...frames, { file: audioFile, blob: `${jobId}/audio.mka` }] : frames,
    );
    const downloadMs = performance.now() - started;
    const lossless = input.input.outputCodec === 'lossless';
    const outputFile = path.join(dir, lossless ? 'styled.mkv' : 'styled.mp4');
    await assembleVideo({
      framesDir,
      frameRate: prepared.frameRate,
      ...(prepared.audioCodec ? { audio: { file: audioFile, codec: prepared.audioCodec } } : {}),
      output: outputFile,
      codec: input.input.outputCodec,
      subject: `video job ${jobId}`,
    });
    const encodeMs = performance.now() - started - downloadMs;
    const base = path.posix.basename(input.input.source.blob).replace(/\.[^.]*$/, '') || 'video';
    const folder = `videos/${jobId}`;
    const output = `${folder}/${base}.styled${path.extname(outputFile)}`;
    const container = await services.storage.ensureContainer(input.input.outputContainer);
    await container.getBlockBlobClient(output).uploadFile(outputFile, {
      blobHTTPHeaders: { blobContentType: lossless ? 'video/x-matroska' : 'video/mp4' },
    });
    const uploadMs = performance.now() - started - downloadMs - encodeMs;
    const manifestName = `${folder}/manifest.json`;
    const manifest = JSON.stringify(manifestOf(input, output, { downloadMs, encodeMs, uploadMs }), null, 2);
    await container.getBlockBlobClient(manifestName).upload(manifest, Buffer.byteLength(manifest), {
      blobHTTPHeaders: { blobContentType: 'application/json' },
    });
    const where = (blob: string) => `${input.input.outputContainer}/${blob}`;
    return { output: where(output), manifest: where(manifestName) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function manifestOf(
  input: AssembleVideoInput,
  output: string,
  assemble: { downloadMs: number; encodeMs: number; uploadMs: number },
) {
  const { prepared } = input;
  return {
    jobId: input.input.jobId,
    source: `${input.input.source.container}/${input.input.source.blob}`,
    output: `${input.input.outputContainer}/${output}`,
    codec: input.input.outputCodec,
    frames: prepared.frames,
    fps: formatFrameRate(prepared.frameRate),
    durationSeconds: prepared.durationSeconds,
    size: { width: prepared.width, height: prepared.height },
    audio: prepared.audioCodec ?? null,
    model: prepared.model,
    prepare: prepared.timings ?? null,
    units: [...input.units]
      .sort((a, b) => a.first - b.first)
      .map((unit) => ({
        frames: [unit.first, unit.last],
        attempts: unit.attempts,
        ranOn: unit.result?.ranOn,
        executionProvider: unit.result?.executionProvider,
        startedAt: unit.result?.startedAt,
        finishedAt: unit.result?.finishedAt,
        batches: (unit.result?.output as { batches?: unknown } | undefined)?.batches,
      })),
    assemble: {
      downloadMs: Math.round(assemble.downloadMs),
      encodeMs: Math.round(assemble.encodeMs),
      uploadMs: Math.round(assemble.uploadMs),
    },
  };
}
