import { randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { Command } from 'commander';
import { noAutoScoreMetadata } from '../scoring/startJobForDrop';
import { readBlob } from '../storage/readBlob';
import { StorageClients } from '../storage/StorageClients';
import type { VideoJobView } from '../video/job/videosHttp';
import { followVideoJob } from './followVideoJob';
import { defaultHostUrl, JobsApiClient } from './JobsApiClient';
import { printTable } from './printTable';

interface StyleOptions {
  model?: string;
  lossless?: boolean;
  batchFrames?: string;
  out?: string;
  url: string;
  json?: boolean;
}

/** The parts of a video job's `manifest.json` the summary shows. */
interface VideoManifest {
  frames: number;
  fps: string;
  durationSeconds: number;
  size: { width: number; height: number };
  audio: string | null;
  model: { name: string; version: number };
  units: {
    frames: [number, number];
    attempts: number;
    ranOn?: string;
    executionProvider?: string;
    startedAt?: string;
    finishedAt?: string;
  }[];
}

const contentTypes: Record<string, string> = {
  '.mp4': 'video/mp4',
  '.mkv': 'video/x-matroska',
  '.mov': 'video/quicktime',
  '.webm': 'video/webm',
};

/** `durable-scoring videos style <file>`: upload, start a video job over the API, follow it, download the result. */
export function styleVideoCommand(): Command {
  return new Command('style')
    .description(
      'Style a local video on a running host: upload it to the videos container, start a job (POST /api/videos), show its progress, download the styled video and print the manifest summary. Ctrl+C cancels the job.',
    )
    .argument('<file>', 'video file (anything ffmpeg reads: .mp4, .mkv, .mov, ...)')
    .argument('[appDir]', 'function app folder (its settings name the storage account and containers)', '.')
    .option(
      '-m, --model <ref>',
      'style model: name, name@<version> or name@<stage> (default: VIDEO_STYLE_MODEL)',
    )
    .option('--lossless', 'write FFV1 in Matroska (frames kept bit for bit) instead of H.264 in MP4')
    .option('--batch-frames <n>', 'frames per work item (default: VIDEO_BATCH_FRAMES)')
    .option(
      '-o, --out <path>',
      'where to write the styled video (default: <name>.styled.mp4 next to the input)',
    )
    .option('--url <url>', 'address of the running host', defaultHostUrl)
    .option('--json', 'print the whole manifest as JSON')
    .action((file: string, appDir: string, options: StyleOptions) => runStyle(file, appDir, options));
}

async function runStyle(file: string, appDir: string, options: StyleOptions): Promise<void> {
  const size = await stat(file).catch((error: NodeJS.ErrnoException) => {
    throw new Error(`Cannot read ${file}: ${error.code === 'ENOENT' ? 'no such file' : error.message}.`);
  });
  const batchFrames = options.batchFrames === undefined ? undefined : Number(options.batchFrames);
  if (batchFrames !== undefined && !(Number.isInteger(batchFrames) && batchFrames >= 1))
    throw new Error(`--batch-frames ${options.batchFrames} is not a whole number of frames from 1.`);
  const api = await JobsApiClient.open(appDir, options.url);
  const storage = new StorageClients(api.config.dataStorage);
  const container = api.config.videoInputContainer;
  const blob = await upload(storage, container, file);
  const request = {
    input: { container, blob },
    ...(options.model === undefined ? {} : { model: options.model }),
    ...(options.lossless ? { output: { codec: 'lossless' } } : {}),
    ...(batchFrames === undefined ? {} : { batchFrames }),
  };
  const { id } = await api.call<{ id: string }>('POST', 'videos', request).catch(async (error: unknown) => {
    // No job will read the upload: do not leave it behind.
    await storage
      .container(container)
      .deleteBlob(blob)
      .catch(() => undefined);
    throw error;
  });
  console.error(
    `Uploaded ${file} (${size.size} bytes) to ${container}/${blob}; video job ${id} started. Ctrl+C cancels it.`,
  );
  const job = await followVideoJob(api, id);
  if (job.status !== 'Succeeded') {
    console.log(`Video job ${job.jobId}: ${job.status}`);
    if (job.reason) console.log(`  reason   ${job.reason}`);
    process.exitCode = 1;
    return;
  }
  const out = options.out ?? defaultOutput(file, job.output ?? '');
  await blobClient(storage, job.output ?? '').downloadToFile(out);
  const manifest = JSON.parse(
    (await readBlob(blobClient(storage, job.manifest ?? ''))).bytes.toString(),
  ) as VideoManifest;
  if (options.json) console.log(JSON.stringify(manifest, null, 2));
  else printSummary(job, manifest, out);
}

/** Uploads under a fresh folder, marked so the videos blob trigger leaves it to the API job. */
async function upload(storage: StorageClients, container: string, file: string): Promise<string> {
  const stamp = new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const name = `cli/${stamp}-${randomBytes(3).toString('hex')}/${path.basename(file)}`;
  const contentType = contentTypes[path.extname(file).toLowerCase()];
  await (await storage.ensureContainer(container)).getBlockBlobClient(name).uploadFile(file, {
    metadata: { ...noAutoScoreMetadata },
    blobHTTPHeaders: contentType ? { blobContentType: contentType } : undefined,
  });
  return name;
}

/** `<dir>/<name>.styled.<ext of the job's output>` next to the input. */
function defaultOutput(file: string, output: string): string {
  const extension = path.posix.extname(output) || '.mp4';
  return path.join(path.dirname(file), `${path.basename(file, path.extname(file))}.styled${extension}`);
}

/** A `container/blob` location as a blob client. */
function blobClient(storage: StorageClients, location: string) {
  const [container, ...rest] = location.split('/');
  return storage.container(container ?? '').getBlobClient(rest.join('/'));
}

function printSummary(job: VideoJobView, manifest: VideoManifest, out: string): void {
  const { size } = manifest;
  console.log(`Video job ${job.jobId}: ${job.status}`);
  const lines: [string, string][] = [
    [
      'frames',
      `${manifest.frames} at ${manifest.fps} fps, ${manifest.durationSeconds} s, ${size.width}x${size.height}`,
    ],
    ['audio', manifest.audio ?? 'none'],
    ['model', `${manifest.model.name}@${manifest.model.version}`],
    ['output', `${out} (from ${job.output})`],
    ['manifest', job.manifest ?? ''],
  ];
  for (const [label, value] of lines) console.log(`  ${label.padEnd(9)}${value}`);
  printTable(
    ['FRAMES', 'ATTEMPTS', 'SECONDS', 'PROVIDER', 'RAN ON'],
    manifest.units.map((unit) => [
      `${unit.frames[0]}-${unit.frames[1]}`,
      String(unit.attempts),
      seconds(unit.startedAt, unit.finishedAt),
      unit.executionProvider ?? '',
      unit.ranOn ?? '',
    ]),
  );
}

function seconds(startedAt: string | undefined, finishedAt: string | undefined): string {
  if (!startedAt || !finishedAt) return '';
  return ((Date.parse(finishedAt) - Date.parse(startedAt)) / 1000).toFixed(1);
}
