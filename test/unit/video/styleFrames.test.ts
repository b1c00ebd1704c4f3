import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import sharp from 'sharp';
import type { WorkHandlerContext } from '../../../src/dispatch/workContracts';
import { NotFoundError, ValidationError } from '../../../src/errors';
import { loadBundledModel } from '../../../src/models';
import { StorageClients } from '../../../src/storage/StorageClients';
import { splitVideo } from '../../../src/video/media/splitVideo';
import { styleFrames as styleFramesHere, type StyleFramesOutput } from '../../../src/video/styleFrames';
import { uniqueName } from '../../support/testStorage';
import { registryOn } from '../models/registryTestKit';
import { makeTestVideo } from './testVideos';

// The styleFrames work handler against Azurite and the bundled candy model, checked frame by frame
// against onnxruntime run directly on the same frames.

const storage = new StorageClients(process.env.TEST_STORAGE_CONNECTION ?? '');
const container = uniqueName('video');
const registryTable = uniqueName('videomodels');
const registryContainer = uniqueName('videomodels');
let dir: string;
let model: { name: string; version: number; sha256: string };
const run = promisify(execFile);

/** PNG frames of a generated video, uploaded as `{prefix}000001.png...`; returns the local files. */
async function uploadFrames(prefix: string, size: string, seconds: number): Promise<string[]> {
  const framesDir = path.join(dir, prefix.replaceAll('/', '-'));
  await mkdir(framesDir);
  const video = await makeTestVideo(dir, `${prefix.replaceAll('/', '-')}.mp4`, {
    size,
    rate: '2',
    seconds,
    audio: false,
  });
  await splitVideo({ input: video, subject: 'test video', framesDir });
  const files = (await readdir(framesDir)).sort().map((file) => path.join(framesDir, file));
  const client = await storage.ensureContainer(container);
  await Promise.all(
    files.map(async (file) => client.getBlockBlobClient(`${prefix}${path.basename(file)}`).uploadFile(file)),
  );
  return files;
}

async function rgbOf(png: Buffer): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** The candy model run directly on each frame (stretched to 720×720 and back), in another process. */
async function styleDirectly(files: string[]): Promise<Buffer[]> {
  const outDir = await mkdtemp(path.join(dir, 'direct-'));
  await run(process.execPath, [
    'test/support/styleDirectly.js',
    'models/fns-candy/model.onnx',
    '720',
    '720',
    outDir,
    ...files,
  ]);
  return Promise.all(files.map((file) => readFile(path.join(outDir, `${path.basename(file, '.png')}.rgb`))));
}

/** Runs the handler as the worker process does (see test/support/runWorkHandler.js). */
async function styleFrames(
  payload: unknown,
  options: { cancelAfterChecks?: number } = {},
): Promise<StyleFramesOutput> {
  const input = { module: 'src/video/styleFrames.js', handler: 'styleFrames', payload, ...options };
  const { stdout } = await run(process.execPath, ['test/support/runWorkHandler.js', JSON.stringify(input)], {
    env: { ...process.env, MODEL_REGISTRY_TABLE: registryTable, MODEL_REGISTRY_CONTAINER: registryContainer },
  });
  const result = JSON.parse(stdout) as
    { ok: true; output: StyleFramesOutput } | { ok: false; name: string; message: string };
  if (!result.ok) throw Object.assign(new Error(result.message), { name: result.name });
  return result.output;
}

/**
 * Expects equal RGB bytes, allowing a rare ±1 where float results differ by a rounding step (other
 * batch sizes or thread counts can change the last bits); rounding the wrong way would change ~half.
 */
function expectSameImage(actual: Buffer, expected: Buffer): void {
  expect(actual.length).toBe(expected.length);
  let differing = 0;
  let largest = 0;
  for (let i = 0; i < actual.length; i++) {
    const difference = Math.abs(actual[i]! - expected[i]!);
    if (difference > 0) differing++;
    largest = Math.max(largest, difference);
  }
  expect(largest).toBeLessThanOrEqual(1);
  expect(differing / actual.length).toBeLessThan(0.001);
}

async function styledFrame(name: string): Promise<Buffer> {
  return storage.container(container).getBlockBlobClient(name).downloadToBuffer();
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'video-style-'));
  // The handler in this process (refusals, which run no inference) reads the same registry.
  process.env.MODEL_REGISTRY_TABLE = registryTable;
  process.env.MODEL_REGISTRY_CONTAINER = registryContainer;
  const candy = await loadBundledModel('models', 'fns-candy');
  const registry = registryOn(storage, registryTable, registryContainer);
  await registry.seed(candy.name, candy.onnx, candy.card, 'video tests');
  const pinned = await registry.resolve('fns-candy');
  model = { name: pinned.name, version: pinned.version, sha256: pinned.sha256 };
});
afterAll(() => rm(dir, { recursive: true, force: true }));

it('styles each frame of a range as the model does directly, in batches', async () => {
  const files = await uploadFrames('job-a/frames/', '720x720', 1.5);
  expect(files).toHaveLength(3);
  const payload = {
    model,
    container,
    framesPrefix: 'job-a/frames/',
    outputPrefix: 'job-a/styled/',
    first: 1,
    last: 3,
    batchSize: 2,
  };
  const [output, expected] = await Promise.all([styleFrames(payload), styleDirectly(files)]);
  expect(output).toMatchObject({
    frames: 3,
    model: 'fns-candy@1',
    executionProvider: 'cpu',
  });
  expect(output.resizedTo).toBeUndefined();
  expect(output.batches.map((batch) => [batch.first, batch.last])).toEqual([
    [1, 2],
    [3, 3],
  ]);
  for (const [i, want] of expected.entries()) {
    const styled = await rgbOf(await styledFrame(`job-a/styled/00000${i + 1}.png`));
    expect([styled.width, styled.height]).toEqual([720, 720]);
    expectSameImage(styled.data, want);
  }
});

it('stretches frames of another size to the model size and back, and writes the same bytes again', async () => {
  const files = await uploadFrames('job-b/frames/', '360x240', 0.5);
  const payload = {
    model,
    container,
    framesPrefix: 'job-b/frames/',
    outputPrefix: 'job-b/styled/',
    first: 1,
    last: 1,
    batchSize: 4,
  };
  const [output, [expected]] = await Promise.all([styleFrames(payload), styleDirectly(files)]);
  expect(output).toMatchObject({ frames: 1, resizedTo: { width: 720, height: 720 } });
  const first = await styledFrame('job-b/styled/000001.png');
  const styled = await rgbOf(first);
  expect([styled.width, styled.height]).toEqual([360, 240]);
  expectSameImage(styled.data, expected!);

  await styleFrames(payload);
  expect((await styledFrame('job-b/styled/000001.png')).equals(first)).toBe(true);
});

it('stops between batches once the job is cancelled', async () => {
  await uploadFrames('job-c/frames/', '64x64', 1.5);
  const payload = {
    model,
    container,
    framesPrefix: 'job-c/frames/',
    outputPrefix: 'job-c/styled/',
    first: 1,
    last: 3,
    batchSize: 1,
  };
  await expect(styleFrames(payload, { cancelAfterChecks: 1 })).rejects.toMatchObject({
    name: 'WorkCancelledError',
    message: 'Cancelled after 1 frame(s).',
  });
  const written = [];
  for await (const blob of storage.container(container).listBlobsFlat({ prefix: 'job-c/styled/' }))
    written.push(blob.name);
  expect(written).toEqual(['job-c/styled/000001.png']);
});

// Refusals come before any inference, so they run in this process.
describe('refusals', () => {
  const base = {
    container,
    framesPrefix: 'job-a/frames/',
    outputPrefix: 'job-z/styled/',
    first: 1,
    last: 1,
    batchSize: 1,
  };
  const context: WorkHandlerContext = {
    storage,
    executionProvider: 'cpu',
    cancelled: () => Promise.resolve(false),
    log: () => undefined,
  };

  it.each([
    [{ last: 0 }, 'styleFrames payload field "last": Too small: expected number to be >0'],
    [{ first: 3, last: 2 }, 'styleFrames payload field "last": is before "first"'],
    [
      { outputPrefix: 'job-a/frames/' },
      'styleFrames payload field "outputPrefix": is the frames prefix: styled frames would overwrite their inputs',
    ],
    [{ batchSize: 65 }, 'styleFrames payload field "batchSize": Too big: expected number to be <=64'],
  ])('a bad payload %j', async (change, message) => {
    const run = styleFramesHere({ model, ...base, ...change }, context);
    await expect(run).rejects.toThrow(ValidationError);
    await expect(run).rejects.toThrow(message);
  });

  it('a model whose pinned SHA-256 is not the registered one', async () => {
    const pinned = { ...model, sha256: '0'.repeat(64) };
    await expect(styleFramesHere({ model: pinned, ...base }, context)).rejects.toThrow(
      /^Model fns-candy@1 refused: .* has SHA-256 4cc994e5\w+ but the version was registered with 0{64};/,
    );
  });

  it('a frame that is not there', async () => {
    const run = styleFramesHere({ model, ...base, first: 4, last: 5 }, context);
    await expect(run).rejects.toThrow(NotFoundError);
    await expect(run).rejects.toThrow(`Frame ${container}/job-a/frames/000004.png not found.`);
  });
});
