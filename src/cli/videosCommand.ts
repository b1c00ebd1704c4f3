import { Command } from 'commander';
import type { VideoJobRecord } from '../video/job/VideoJobStore';
import type { VideoJobView } from '../video/job/videosHttp';
import { cancelVideoJob, getVideoJob } from './followVideoJob';
import { defaultHostUrl, JobsApiClient } from './JobsApiClient';
import { printTable } from './printTable';
import { styleVideoCommand } from './styleVideoCommand';

interface ApiOptions {
  url: string;
  json?: boolean;
}

/** `durable-scoring videos style|list|show|cancel`: video style transfer jobs through a running host's API. */
export function videosCommand(): Command {
  const command = new Command('videos').description(
    "Style videos and list, inspect and cancel video jobs through a running host's videos API (with the app folder's master key).",
  );
  command.addCommand(styleVideoCommand());
  command
    .command('list')
    .description('List video jobs, newest first.')
    .argument('[appDir]', 'function app folder', '.')
    .option('--top <n>', 'at most this many jobs', '50')
    .option('--url <url>', 'address of the running host', defaultHostUrl)
    .option('--json', 'print JSON (as GET /api/videos returns it)')
    .action(async (appDir: string, options: ApiOptions & { top: string }) => {
      const api = await JobsApiClient.open(appDir, options.url);
      const query = new URLSearchParams({ top: options.top });
      const jobs = await api.call<VideoJobRecord[]>('GET', `videos?${query.toString()}`);
      if (options.json) console.log(JSON.stringify(jobs, null, 2));
      else printJobs(jobs);
    });
  command
    .command('show')
    .description('Show a video job: status, reason, frames, model, output, and its progress while it runs.')
    .argument('<jobId>', 'video job id')
    .argument('[appDir]', 'function app folder', '.')
    .option('--url <url>', 'address of the running host', defaultHostUrl)
    .option('--json', 'print JSON (as GET /api/videos/{id} returns it)')
    .action(async (jobId: string, appDir: string, options: ApiOptions) => {
      const job = await getVideoJob(await JobsApiClient.open(appDir, options.url), jobId);
      if (options.json) console.log(JSON.stringify(job, null, 2));
      else printJob(job);
    });
  command
    .command('cancel')
    .description(
      'Cancel a running video job: nothing more is dispatched and running workers are told to stop.',
    )
    .argument('<jobId>', 'video job id')
    .argument('[appDir]', 'function app folder', '.')
    .option('--url <url>', 'address of the running host', defaultHostUrl)
    .action(async (jobId: string, appDir: string, options: ApiOptions) => {
      const result = await cancelVideoJob(await JobsApiClient.open(appDir, options.url), jobId);
      console.log(`Video job ${result.id}: ${result.status}.`);
    });
  return command;
}

function modelOf(job: VideoJobRecord): string {
  return job.modelVersion === undefined ? job.model : `${job.model.replace(/@.*$/, '')}@${job.modelVersion}`;
}

function printJobs(jobs: VideoJobRecord[]): void {
  if (jobs.length === 0) {
    console.log('No video jobs.');
    return;
  }
  printTable(
    ['JOB ID', 'STATUS', 'MODEL', 'FRAMES', 'CREATED', 'INPUT'],
    jobs.map((job) => [
      job.jobId,
      job.status,
      modelOf(job),
      job.frames === undefined ? '' : String(job.frames),
      job.createdTime,
      job.input,
    ]),
  );
}

function printJob(job: VideoJobView): void {
  const { progress } = job;
  const lines: [string, string | number | undefined][] = [
    ['Job', job.jobId],
    ['Status', job.status],
    ['Reason', job.reason],
    ['Source', job.source],
    ['Model', modelOf(job)],
    ['Input', job.input],
    ['Frames', job.frames === undefined ? undefined : `${job.frames} at ${job.fps} fps`],
    [
      'Progress',
      progress ? `${progress.stage}, ${progress.framesDone}/${progress.framesTotal} frames` : undefined,
    ],
    ['Output', job.output],
    ['Manifest', job.manifest],
    ['Created', job.createdTime],
    ['Completed', job.completedTime],
  ];
  for (const [label, value] of lines)
    if (value !== undefined && value !== '') console.log(`${`${label}:`.padEnd(10)}${value}`);
}
