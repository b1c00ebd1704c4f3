import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { probeVideo } from '../../src/video/media/probeVideo';
import { VideoJobStore } from '../../src/video/job/VideoJobStore';
import { makeTestVideo } from '../unit/video/testVideos';
import { ScoringHarness } from '../support/scoringHarness';
import { uniqueName } from '../support/testStorage';

// `durable-scoring videos style|list|show|cancel` against a harness host, as a user runs them: a tiny
// generated video (64x48, 2 fps, 2 s: 4 frames) styled by the bundled fns-candy model on local workers.

const videos = uniqueName('videos');
const harness = new ScoringHarness({
  VIDEO_INPUT_CONTAINER: videos,
  VIDEO_WORK_CONTAINER: uniqueName('vidwork'),
  WORK_QUEUE: uniqueName('work'),
  WORK_RESULTS_QUEUE: uniqueName('results'),
  LOCAL_WORKERS: '2',
});
const jobs = new VideoJobStore(harness.storage);
const dir = mkdtempSync(path.join(os.tmpdir(), 'videos-cli-'));
let clip: string;

const jobIdIn = (text: string) => /video job (video-\d{8}-[0-9a-f]+) started/.exec(text)?.[1] ?? '';

beforeAll(async () => {
  clip = await makeTestVideo(dir, 'clip.mp4', { size: '64x48', rate: '2', seconds: 2, audio: true });
  await harness.start();
}, 60_000);

afterAll(async () => {
  await harness.host?.stop();
});

describe('durable-scoring videos style', () => {
  let jobId = '';

  it('uploads, follows the job, downloads <name>.styled.mp4 next to the input and prints the manifest', async () => {
    const result = await harness.runCli(['videos', 'style', clip, '--batch-frames', '2']);
    expect(result).toMatchObject({ code: 0 });
    jobId = jobIdIn(result.stderr);
    expect(result.stderr).toMatch(new RegExp(`Uploaded .*clip\\.mp4 \\(\\d+ bytes\\) to ${videos}/cli/`));
    const out = path.join(dir, 'clip.styled.mp4');
    expect(existsSync(out)).toBe(true);
    const probed = await probeVideo({ input: out, subject: 'styled' });
    expect(probed).toMatchObject({ frameCount: 4, width: 64, height: 48 });

    const [head, table] = result.stdout.split(/\n(?=FRAMES)/);
    // The duration is the container's (the AAC track runs a little past the last frame).
    expect(head!.replace(/, 2(\.\d+)? s,/, ', 2.x s,')).toBe(
      [
        `Video job ${jobId}: Succeeded`,
        '  frames   4 at 2/1 fps, 2.x s, 64x48',
        '  audio    aac',
        '  model    fns-candy@1',
        `  output   ${out} (from ${harness.output}/videos/${jobId}/clip.styled.mp4)`,
        `  manifest ${harness.output}/videos/${jobId}/manifest.json`,
      ].join('\n'),
    );
    const rows = table!.trim().split('\n');
    expect(rows[0]).toMatch(/^FRAMES +ATTEMPTS +SECONDS +PROVIDER +RAN ON$/);
    expect(rows.slice(1).map((row) => row.split(/ {2,}/))).toEqual([
      ['1-2', '1', expect.stringMatching(/^\d+\.\d$/), 'cpu', expect.stringMatching(/^local process \d+$/)],
      ['3-4', '1', expect.stringMatching(/^\d+\.\d$/), 'cpu', expect.stringMatching(/^local process \d+$/)],
    ]);
  }, 60_000);

  it('list and show find the job; cancelling it once finished exits 1 with the API message', async () => {
    const listed = await harness.runCli(['videos', 'list', '--top', '1000']);
    expect(listed.code).toBe(0);
    expect(listed.stdout.split('\n')[0]).toMatch(/^JOB ID +STATUS +MODEL +FRAMES +CREATED +INPUT$/);
    expect(listed.stdout).toMatch(
      new RegExp(`\\n${jobId} +Succeeded +fns-candy@1 +4 +\\S+ +${videos}/cli/\\S+/clip\\.mp4\\n`),
    );
    const shown = await harness.runCli(['videos', 'show', jobId]);
    expect(shown.stdout).toContain(`Job:      ${jobId}\nStatus:   Succeeded\n`);
    expect(shown.stdout).toContain('Frames:   4 at 2/1 fps\n');
    expect(await harness.runCli(['videos', 'cancel', jobId])).toMatchObject({
      code: 1,
      stderr: `Video job '${jobId}' already finished (Succeeded).\n`,
    });
    expect(await harness.runCli(['videos', 'show', 'video-nope'])).toMatchObject({
      code: 1,
      stderr: "No video job with id 'video-nope'.\n",
    });
  });

  it('a job that fails prints its reason and exits 1', async () => {
    const result = await harness.runCli(['videos', 'style', clip, '--model', 'diabetes']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /^Video job video-\S+: Failed\n {2}reason {3}Model diabetes@\d+ is not a style model[^\n]*\n$/,
    );
  }, 40_000);

  it('a file that does not exist, and a bad --batch-frames, exit 1 before uploading', async () => {
    expect(await harness.runCli(['videos', 'style', 'no/such.mp4'])).toMatchObject({
      code: 1,
      stderr: 'Cannot read no/such.mp4: no such file.\n',
    });
    expect(await harness.runCli(['videos', 'style', clip, '--batch-frames', '0'])).toMatchObject({
      code: 1,
      stderr: '--batch-frames 0 is not a whole number of frames from 1.\n',
    });
  });

  it('Ctrl+C cancels the job before the command exits', async () => {
    const child = harness.spawnCli(['videos', 'style', clip, '--batch-frames', '1']);
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const deadline = Date.now() + 20_000;
    while (jobIdIn(stderr) === '' && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    const id = jobIdIn(stderr);
    expect(id).not.toBe('');
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toContain(`Video job ${id}: Cancelled.\n`);
    expect(await jobs.get(id)).toMatchObject({ status: 'Cancelled', reason: 'Cancelled on request.' });
  }, 40_000);
});
