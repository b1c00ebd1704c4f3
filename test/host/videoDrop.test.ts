import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { videoJobIdForBlob } from '../../src/video/job/startVideoJob';
import { finishedVideoStatuses, VideoJobStore, type VideoJobRecord } from '../../src/video/job/VideoJobStore';
import { makeTestVideo } from '../unit/video/testVideos';
import { ScoringHarness } from '../support/scoringHarness';
import { uniqueName } from '../support/testStorage';

// A video dropped into the videos container starts its own job through the blob trigger (no
// autoscore=false): the job id derives from the blob's version, so a trigger that fires again for the
// same version (here: a host with another host id, whose receipts do not know the blob) finds the job
// and starts no second one.

const videos = uniqueName('videos');
const harness = new ScoringHarness({
  VIDEO_INPUT_CONTAINER: videos,
  VIDEO_WORK_CONTAINER: uniqueName('vidwork'),
  WORK_QUEUE: uniqueName('work'),
  WORK_RESULTS_QUEUE: uniqueName('results'),
  LOCAL_WORKERS: '2',
  VIDEO_BATCH_FRAMES: '2',
});
const jobs = new VideoJobStore(harness.storage);
const dir = mkdtempSync(path.join(os.tmpdir(), 'video-drop-'));
let clip: string;

async function drop(name: string, metadata?: Record<string, string>): Promise<string> {
  const container = await harness.storage.ensureContainer(videos);
  const { etag } = await container.getBlockBlobClient(name).uploadFile(clip, { metadata });
  return videoJobIdForBlob(videos, name, etag ?? '');
}

async function waitForJob(id: string, timeoutMs = 45_000): Promise<VideoJobRecord> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await jobs.get(id);
    if (job && finishedVideoStatuses.includes(job.status)) return job;
    if (Date.now() > deadline)
      throw new Error(`Video job ${id} is ${job?.status ?? 'not created'}.\n${harness.host.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** This test's rows of the shared videoJobs table. */
async function jobsOfThisContainer(): Promise<VideoJobRecord[]> {
  return (await jobs.list(1000)).filter((job) => job.input.startsWith(`${videos}/`));
}

beforeAll(async () => {
  clip = await makeTestVideo(dir, 'clip.mp4', { size: '64x48', rate: '2', seconds: 2, audio: false });
  await harness.start();
}, 60_000);

afterAll(async () => {
  await harness.host?.stop();
});

it('a dropped video is styled by its own job; metadata "model" picks the model', async () => {
  const [styled, wrongModel] = await Promise.all([
    drop('drops/clip.mp4'),
    drop('drops/wrong.mp4', { model: 'diabetes' }),
  ]);
  expect(await waitForJob(styled)).toMatchObject({
    status: 'Succeeded',
    source: 'blob',
    input: `${videos}/drops/clip.mp4`,
    model: 'fns-candy',
    frames: 4,
    output: `${harness.output}/videos/${styled}/clip.styled.mp4`,
  });
  expect(await waitForJob(wrongModel)).toMatchObject({
    status: 'Failed',
    model: 'diabetes',
    reason: expect.stringMatching(/^Model diabetes@\d+ is not a style model/),
  });
}, 60_000);

it('a trigger fired again for the same version finds the job and starts no second one', async () => {
  const before = await jobsOfThisContainer();
  await harness.host.stop();
  // Receipts are kept per host id: a host with another id fires again for every blob it finds.
  await harness.start(uniqueName('refire'));
  await harness.host.waitForLog(
    /Video job video-blob-\S+ for this version of \S+drops\/clip\.mp4 exists already/,
  );
  await harness.host.waitForLog(
    /Video job video-blob-\S+ for this version of \S+drops\/wrong\.mp4 exists already/,
  );
  const after = await jobsOfThisContainer();
  expect(after.map((job) => [job.jobId, job.status]).sort()).toEqual(
    before.map((job) => [job.jobId, job.status]).sort(),
  );
  expect(after).toHaveLength(2);
}, 60_000);
