import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runFfmpeg } from '../../src/video/media/runFfmpeg';
import { probeVideo } from '../../src/video/media/probeVideo';
import type { VideoJobView } from '../../src/video/job/videosHttp';
import { frameHashes, makeTestVideo } from '../unit/video/testVideos';
import { ScoringHarness } from '../support/scoringHarness';
import { hostSecrets, uniqueName } from '../support/testStorage';

// Video style transfer through the real host: POST /api/videos → styleVideo splits the video, local
// worker processes style frame ranges with fns-candy, the styled frames are assembled with the source's
// audio. Output frames are compared with onnxruntime run directly on the source's frames.

const workQueue = uniqueName('work');
const workContainer = uniqueName('vidwork');
const videos = uniqueName('videos');
const harness = new ScoringHarness({
  MODEL_REGISTRY_TABLE: uniqueName('vidreg'),
  MODEL_REGISTRY_CONTAINER: uniqueName('vidreg'),
  VIDEO_INPUT_CONTAINER: videos,
  VIDEO_WORK_CONTAINER: workContainer,
  WORK_QUEUE: workQueue,
  WORK_RESULTS_QUEUE: uniqueName('results'),
  LOCAL_WORKERS: '2',
  // A killed worker's item is taken again once its lease runs out.
  WORKER_LEASE_SECONDS: '3',
});
const dir = mkdtempSync(path.join(os.tmpdir(), 'video-e2e-'));
let masterKey: string;
let source: string;
/** Styled RGB bytes of each source frame, from onnxruntime directly. */
let expected: Buffer[];

function api(route: string, init: RequestInit = {}): Promise<Response> {
  return harness.host.fetch(`/api/${route}`, {
    ...init,
    headers: { 'x-functions-key': masterKey, 'content-type': 'application/json', ...init.headers },
  });
}

async function upload(name: string, file: string): Promise<void> {
  const container = await harness.storage.ensureContainer(videos);
  // Uploaded for POST /api/videos: the blob trigger would start a job of its own.
  await container.getBlockBlobClient(name).uploadFile(file, { metadata: { autoscore: 'false' } });
}

async function startJob(body: unknown): Promise<string> {
  const response = await api('videos', { method: 'POST', body: JSON.stringify(body) });
  expect(response.status).toBe(202);
  return ((await response.json()) as { id: string }).id;
}

async function waitForJob(id: string, timeoutMs = 150_000): Promise<VideoJobView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const view = (await (await api(`videos/${id}`)).json()) as VideoJobView;
    if (view.status !== 'Running') return view;
    if (Date.now() > deadline) throw new Error(`Video job ${id} still running: ${JSON.stringify(view)}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Decoded RGB frames of a video, one buffer per frame. */
async function rgbFrames(file: string, width: number, height: number): Promise<Buffer[]> {
  const out = path.join(dir, `${path.basename(file)}.rgb`);
  await runFfmpeg({
    args: ['-i', file, '-map', '0:v:0', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-y', out],
    subject: file,
  });
  const bytes = readFileSync(out);
  const size = width * height * 3;
  return Array.from({ length: bytes.length / size }, (_, i) => bytes.subarray(i * size, (i + 1) * size));
}

/** Equal RGB bytes, allowing a rare ±1 where float results round differently (batch sizes, threads). */
function expectSameImage(actual: Buffer, wanted: Buffer): void {
  expect(actual.length).toBe(wanted.length);
  let differing = 0;
  for (let i = 0; i < actual.length; i++) {
    const difference = Math.abs(actual[i]! - wanted[i]!);
    expect(difference).toBeLessThanOrEqual(1);
    if (difference > 0) differing++;
  }
  expect(differing / actual.length).toBeLessThan(0.001);
}

async function downloadOutput(where: string, name: string): Promise<string> {
  const file = path.join(dir, name);
  writeFileSync(file, await harness.readOutput(where));
  return file;
}

/** Worker processes of this test's host: their environment names this test's work queue. */
function workerPids(): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        return (
          args.includes('dist/src/worker/main.js') &&
          readFileSync(`/proc/${pid}/environ`, 'utf8').includes(`WORK_QUEUE=${workQueue}\0`)
        );
      } catch {
        return false;
      }
    })
    .map(Number);
}

beforeAll(async () => {
  await harness.start();
  masterKey = (await hostSecrets(harness.host.hostId)).masterKey.value;
  source = await makeTestVideo(dir, 'clip.mp4', { size: '64x48', rate: '2', seconds: 3, audio: true });
  await upload('clip.mp4', source);
  const framesDir = path.join(dir, 'source-frames');
  mkdirSync(framesDir);
  await runFfmpeg({
    args: ['-i', source, '-vsync', 'passthrough', path.join(framesDir, '%06d.png')],
    subject: source,
  });
  const frames = readdirSync(framesDir)
    .sort()
    .map((name) => path.join(framesDir, name));
  const styledDir = path.join(dir, 'styled-direct');
  mkdirSync(styledDir);
  execFileSync(process.execPath, [
    'test/support/styleDirectly.js',
    'models/fns-candy/model.onnx',
    '720',
    '720',
    styledDir,
    ...frames,
  ]);
  expected = frames.map((frame) => readFileSync(path.join(styledDir, `${path.basename(frame, '.png')}.rgb`)));
}, 180_000);

afterAll(async () => {
  await harness.host?.stop();
});

it('styles every frame as onnxruntime does, keeping the frame count, rate, duration and audio', async () => {
  const id = await startJob({
    input: { container: videos, blob: 'clip.mp4' },
    output: { codec: 'lossless' },
    batchFrames: 2,
  });
  const job = await waitForJob(id);
  expect(job).toMatchObject({
    status: 'Succeeded',
    frames: 6,
    fps: '2/1',
    modelVersion: 1,
    model: 'fns-candy',
  });

  const output = await downloadOutput(job.output!, 'styled.mkv');
  const [before, after] = await Promise.all([
    probeVideo({ input: source, subject: 'source' }),
    probeVideo({ input: output, subject: 'output' }),
  ]);
  expect(after).toMatchObject({
    frameCount: before.frameCount,
    frameRate: before.frameRate,
    width: 64,
    height: 48,
  });
  expect(Math.abs(after.durationSeconds - before.durationSeconds)).toBeLessThanOrEqual(0.1);
  expect(after.audio).toEqual(before.audio);
  expect(await frameHashes(output, 'audio')).toEqual(await frameHashes(source, 'audio'));

  const styled = await rgbFrames(output, 64, 48);
  expect(styled.length).toBe(expected.length);
  styled.forEach((frame, i) => expectSameImage(frame, expected[i]!));

  const manifest = JSON.parse((await harness.readOutput(job.manifest!)).toString()) as {
    frames: number;
    model: { name: string; version: number };
    units: { frames: [number, number]; ranOn: string; executionProvider: string; batches: unknown[] }[];
  };
  const milliseconds = expect.any(Number) as number;
  expect(manifest).toMatchObject({
    frames: 6,
    model: { name: 'fns-candy', version: 1 },
    prepare: {
      downloadMs: milliseconds,
      probeMs: milliseconds,
      splitMs: milliseconds,
      uploadMs: milliseconds,
    },
    assemble: { downloadMs: milliseconds, encodeMs: milliseconds, uploadMs: milliseconds },
  });
  expect(manifest.units.map((unit) => unit.frames)).toEqual([
    [1, 2],
    [3, 4],
    [5, 6],
  ]);
  for (const unit of manifest.units) {
    expect(unit.ranOn).toMatch(/^local process \d+$/);
    expect(unit.executionProvider).toBe('cpu');
    expect(unit.batches.length).toBeGreaterThan(0);
  }
}, 200_000);

it('workers killed mid-batch: their frames are styled again elsewhere, none missing or doubled', async () => {
  const id = await startJob({
    input: { container: videos, blob: 'clip.mp4' },
    output: { codec: 'lossless' },
    batchFrames: 3,
    maxInFlight: 2,
  });
  // Once some frames are styled but not all, at least one unit is running: kill every worker then.
  const styledSoFar = async () => {
    let count = 0;
    for await (const blob of harness.storage
      .container(workContainer)
      .listBlobsFlat({ prefix: `${id}/styled/` }))
      if (blob.name) count++;
    return count;
  };
  let killed: number[] = [];
  const deadline = Date.now() + 60_000;
  while (killed.length === 0 && Date.now() < deadline) {
    const styled = await styledSoFar().catch(() => 0);
    if (styled > 0 && styled < 6) {
      killed = workerPids();
      for (const pid of killed) process.kill(pid, 'SIGKILL');
    } else await new Promise((resolve) => setTimeout(resolve, 50));
  }
  expect(killed.length).toBeGreaterThan(0);

  const job = await waitForJob(id);
  expect(job).toMatchObject({ status: 'Succeeded', frames: 6 });
  const manifest = JSON.parse((await harness.readOutput(job.manifest!)).toString()) as {
    units: { ranOn: string }[];
  };
  // Every unit's result came from a worker started after the kill: the running unit was done again.
  for (const pid of killed)
    expect(manifest.units.map((unit) => unit.ranOn)).not.toContain(`local process ${pid}`);
  const styled = await rgbFrames(await downloadOutput(job.output!, 'killed.mkv'), 64, 48);
  expect(styled.length).toBe(expected.length);
  styled.forEach((frame, i) => expectSameImage(frame, expected[i]!));
}, 200_000);

it('a corrupt video, a model that is not a style model and a missing blob end the job Failed, saying why', async () => {
  const corrupt = path.join(dir, 'corrupt.mp4');
  writeFileSync(corrupt, Buffer.concat([readFileSync(source).subarray(0, 64), Buffer.alloc(4096, 7)]));
  await upload('corrupt.mp4', corrupt);
  const [bad, wrongModel, missing] = await Promise.all([
    startJob({ input: { container: videos, blob: 'corrupt.mp4' } }),
    startJob({ input: { container: videos, blob: 'clip.mp4' }, model: 'diabetes' }),
    startJob({ input: { container: videos, blob: 'nothing-here.mp4' } }),
  ]);
  expect(await waitForJob(bad, 60_000)).toMatchObject({
    status: 'Failed',
    reason: expect.stringContaining(`${videos}/corrupt.mp4`),
  });
  expect(await waitForJob(wrongModel, 60_000)).toMatchObject({
    status: 'Failed',
    reason: expect.stringMatching(/^Model diabetes@\d+ is not a style model/),
  });
  expect(await waitForJob(missing, 60_000)).toMatchObject({
    status: 'Failed',
    reason: `Video ${videos}/nothing-here.mp4 does not exist.`,
  });
}, 120_000);

it('refuses a bad request with a 400 naming the field, and a container jobs may not read', async () => {
  const answers = await Promise.all(
    [
      { input: {} },
      { input: { blob: 'a.mp4' }, batchFrames: 0 },
      { input: { blob: 'a.mp4', container: 'azure-webjobs-secrets' } },
    ].map(async (body) => {
      const response = await api('videos', { method: 'POST', body: JSON.stringify(body) });
      return { status: response.status, field: ((await response.json()) as { field?: string }).field };
    }),
  );
  expect(answers).toEqual([
    { status: 400, field: 'input.blob' },
    { status: 400, field: 'batchFrames' },
    { status: 400, field: 'input.container' },
  ]);
});

it('a cancel stops the job: it ends Cancelled, and a second cancel is a 409', async () => {
  const id = await startJob({
    input: { container: videos, blob: 'clip.mp4' },
    batchFrames: 1,
    maxInFlight: 1,
  });
  const cancel = await api(`videos/${id}/cancel`, { method: 'POST' });
  expect(cancel.status).toBe(202);
  expect(await waitForJob(id, 60_000)).toMatchObject({
    status: 'Cancelled',
    reason: 'Cancelled on request.',
  });
  expect((await api(`videos/${id}/cancel`, { method: 'POST' })).status).toBe(409);
}, 90_000);
