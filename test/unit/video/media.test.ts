import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ValidationError } from '../../../src/errors';
import { assembleVideo } from '../../../src/video/media/assembleVideo';
import { probeVideo } from '../../../src/video/media/probeVideo';
import { FfmpegError, runFfmpeg, type FfmpegProgress } from '../../../src/video/media/runFfmpeg';
import { splitVideo } from '../../../src/video/media/splitVideo';
import { frameHashes, makeTestVideo } from './testVideos';

// ffmpeg media steps on generated test videos: probe, split into frames and audio, assemble back.

let dir: string;
let source: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'video-media-'));
  source = await makeTestVideo(dir, 'source.mp4', { size: '96x64', rate: '2', seconds: 3, audio: true });
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function emptyDir(name: string): Promise<string> {
  const folder = path.join(dir, name);
  await mkdir(folder);
  return folder;
}

describe('probeVideo', () => {
  it('reads frame count, exact rate, duration, size and audio', async () => {
    await expect(probeVideo({ input: source, subject: 'videos/source.mp4' })).resolves.toEqual({
      durationSeconds: expect.closeTo(3, 1) as number,
      frameRate: { numerator: 2, denominator: 1 },
      frameCount: 6,
      width: 96,
      height: 64,
      videoCodec: 'h264',
      audio: { codec: 'aac' },
    });
  });

  it.each([
    ['mp4', 'mp4' as const],
    ['mkv (millisecond time base)', 'mkv' as const],
  ])('keeps an NTSC rate exact in %s', async (_, container) => {
    const input = await makeTestVideo(dir, `ntsc.${container}`, {
      size: '32x32',
      rate: '30000/1001',
      seconds: 1,
      audio: false,
    });
    const probe = await probeVideo({ input, subject: 'ntsc' });
    expect(probe.frameRate).toEqual({ numerator: 30000, denominator: 1001 });
    expect(probe.frameCount).toBe(30);
    expect(probe.audio).toBeUndefined();
  });

  it.each([
    [
      'bytes that are no video',
      Buffer.from('this is not a video at all\n'),
      /cannot be read as a video: Invalid data found when processing input$/,
    ],
    [
      'a video cut in half',
      'truncated',
      /cannot be read as a video: Invalid data found when processing input$/,
    ],
  ])('refuses %s with a ValidationError naming the blob', async (_, content, message) => {
    const bad = path.join(dir, `bad-${Math.random().toString(16).slice(2)}.mp4`);
    const bytes = content === 'truncated' ? (await readFile(source)).subarray(0, 2000) : content;
    await writeFile(bad, bytes);
    const probing = probeVideo({ input: bad, subject: 'videos/holiday.mp4' });
    await expect(probing).rejects.toThrow(ValidationError);
    await expect(probing).rejects.toThrow(/^Video videos\/holiday\.mp4 /);
    await expect(probing).rejects.toThrow(message);
  });

  it('refuses a file with audio only', async () => {
    const input = path.join(dir, 'tone.mka');
    await runFfmpeg({ args: ['-f', 'lavfi', '-i', 'sine=duration=1', '-y', input], subject: 'tone' });
    await expect(probeVideo({ input, subject: 'videos/tone.mka' })).rejects.toThrow(
      'Video videos/tone.mka has no video stream.',
    );
  });
});

describe('split and assemble', () => {
  it('round-trips frames bit for bit and the audio packets unchanged through the lossless codec', async () => {
    const framesDir = await emptyDir('frames');
    const audioFile = path.join(dir, 'audio.mka');
    const progress: FfmpegProgress[] = [];
    const split = await splitVideo({
      input: source,
      subject: 'source',
      framesDir,
      audioFile,
      onProgress: (p) => progress.push(p),
    });
    expect(split.frameCount).toBe(6);
    expect(progress.at(-1)?.frame).toBe(6);

    const output = path.join(dir, 'round-trip.mkv');
    const frameRate = { numerator: 2, denominator: 1 };
    await assembleVideo({
      framesDir,
      frameRate,
      audio: { file: audioFile, codec: 'aac' },
      output,
      codec: 'lossless',
      subject: 'job',
    });

    const pngs = await frameHashes(path.join(framesDir, '%06d.png'), 'video', ['-framerate', '2']);
    expect(pngs).toHaveLength(6);
    expect(await frameHashes(output, 'video')).toEqual(pngs);
    expect(await frameHashes(output, 'audio')).toEqual(await frameHashes(source, 'audio'));
    const probe = await probeVideo({ input: output, subject: 'output' });
    expect(probe).toMatchObject({ frameCount: 6, frameRate, audio: { codec: 'aac' } });
  });

  it('writes an H.264 MP4 with the same frame count, rate, duration and audio', async () => {
    const framesDir = await emptyDir('frames-h264');
    const audioFile = path.join(dir, 'audio-h264.mka');
    await splitVideo({ input: source, subject: 'source', framesDir, audioFile });
    const output = path.join(dir, 'out.mp4');
    const frameRate = { numerator: 2, denominator: 1 };
    await assembleVideo({
      framesDir,
      frameRate,
      audio: { file: audioFile, codec: 'aac' },
      output,
      codec: 'h264',
      subject: 'job',
    });
    const before = await probeVideo({ input: source, subject: 'source' });
    const after = await probeVideo({ input: output, subject: 'output' });
    expect(after).toMatchObject({
      frameCount: 6,
      frameRate,
      width: 96,
      height: 64,
      videoCodec: 'h264',
      audio: { codec: 'aac' },
    });
    expect(Math.abs(after.durationSeconds - before.durationSeconds)).toBeLessThanOrEqual(0.05);
    expect(await frameHashes(output, 'audio')).toEqual(await frameHashes(source, 'audio'));
  });
});

describe('runFfmpeg', () => {
  it('kills ffmpeg when the signal aborts', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const run = runFfmpeg({
      args: ['-re', '-f', 'lavfi', '-i', 'testsrc=duration=60', '-f', 'null', '-'],
      subject: 'endless',
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(new Error('job cancelled')), 300);
    await expect(run).rejects.toThrow('job cancelled');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('puts the last lines of stderr in the error', async () => {
    const run = runFfmpeg({
      args: ['-i', path.join(dir, 'missing.mp4'), '-f', 'null', '-'],
      subject: 'missing video',
    });
    await expect(run).rejects.toThrow(FfmpegError);
    await expect(run).rejects.toThrow(
      /^ffmpeg on missing video exited with code 1: .*No such file or directory$/,
    );
  });
});
