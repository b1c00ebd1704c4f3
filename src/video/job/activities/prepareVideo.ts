import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { NotFoundError, ValidationError } from '../../../errors';
import { parseModelRef } from '../../../runtime/models/ModelRef';
import type { PinnedModel } from '../../../runtime/models/LoadedModel';
import { formatFrameRate, probeVideo, splitVideo } from '../../index';
import type { VideoJobServices } from '../VideoJobServices';
import { workPrefixes, type PrepareResult, type StyleVideoInput } from '../videoJobContracts';
import { uploadFiles } from './workFiles';

/** The tag that marks a registered model as a style model (images in, styled images of the same shape out). */
export const styleModelTag = { name: 'kind', value: 'style-transfer' } as const;

/**
 * Pins the style model, reads the source video, probes it and splits it into PNG frames and its audio
 * track in the work container (`{jobId}/frames/000001.png...`, `{jobId}/audio.mka`). A video ffmpeg
 * cannot read, a missing blob or a model that is not a style model ends the job with the reason
 * (`{ error }`), never a retry; storage errors are thrown and retried.
 */
export async function prepareVideo(
  input: StyleVideoInput,
  services: VideoJobServices,
): Promise<PrepareResult> {
  const where = `${input.source.container}/${input.source.blob}`;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'durable-scoring-video-'));
  try {
    const model = await pinStyleModel(input.model, services);
    const source = path.join(dir, 'source');
    const clock = stepClock();
    await download(services, input.source.container, input.source.blob, source, where);
    const downloadMs = clock();
    const probe = await probeVideo({ input: source, subject: where });
    const probeMs = clock();
    const framesDir = path.join(dir, 'frames');
    await mkdir(framesDir);
    const audioFile = probe.audio ? path.join(dir, 'audio.mka') : undefined;
    const { frameCount } = await splitVideo({ input: source, subject: where, framesDir, audioFile });
    if (frameCount === 0) throw new ValidationError(`Video ${where} has no frames.`);
    const splitMs = clock();
    const work = await services.storage.ensureContainer(services.workContainer);
    const frames = (await readdir(framesDir)).sort();
    await uploadFiles(work, [
      ...frames.map((name) => ({
        file: path.join(framesDir, name),
        blob: `${workPrefixes(input.jobId).frames}${name}`,
      })),
      ...(audioFile ? [{ file: audioFile, blob: `${input.jobId}/audio.mka` }] : []),
    ]);
    const uploadMs = clock();
    await services.jobs.update(input.jobId, {
      frames: frameCount,
      fps: formatFrameRate(probe.frameRate),
      durationSeconds: probe.durationSeconds,
      modelVersion: model.version,
    });
    return {
      frames: frameCount,
      frameRate: probe.frameRate,
      width: probe.width,
      height: probe.height,
      durationSeconds: probe.durationSeconds,
      ...(probe.audio ? { audioCodec: probe.audio.codec } : {}),
      model,
      workContainer: services.workContainer,
      timings: { downloadMs, probeMs, splitMs, uploadMs },
    };
  } catch (error) {
    if (error instanceof ValidationError || error instanceof NotFoundError) return { error: error.message };
    throw error;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Milliseconds since the previous call (or since it was made), rounded. */
function stepClock(): () => number {
  let last = performance.now();
  return () => {
    const now = performance.now();
    const elapsed = Math.round(now - last);
    last = now;
    return elapsed;
  };
}

/** The pinned version of a model whose card is tagged `kind: style-transfer`. */
async function pinStyleModel(reference: string, services: VideoJobServices): Promise<PinnedModel> {
  const model = await services.store.resolve(parseModelRef(reference, 'model'));
  const { versions } = await services.store.listVersions(model.name);
  const kind = versions.find((version) => version.version === model.version)?.tags[styleModelTag.name];
  if (kind !== styleModelTag.value)
    throw new ValidationError(
      `Model ${model.name}@${model.version} is not a style model: its card's tags.${styleModelTag.name} is ${kind === undefined ? 'not set' : `"${kind}"`}, not "${styleModelTag.value}".`,
      { field: 'model' },
    );
  return model;
}

async function download(
  services: VideoJobServices,
  container: string,
  blob: string,
  file: string,
  where: string,
): Promise<void> {
  try {
    await services.storage.container(container).getBlobClient(blob).downloadToFile(file);
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404)
      throw new NotFoundError(`Video ${where} does not exist.`);
    throw error;
  }
}
