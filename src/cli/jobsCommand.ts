import { Command } from 'commander';
import type { JobRecord } from '../scoring/JobStore';
import { defaultHostUrl, JobsApiClient, type JobView } from './JobsApiClient';
import { printTable } from './printTable';

interface ApiOptions {
  url: string;
  json?: boolean;
}

/** `durable-scoring jobs list|show|cancel`: scoring jobs, through the jobs API of a running host. */
export function jobsCommand(): Command {
  const command = new Command('jobs').description(
    "List, inspect and cancel scoring jobs through a running host's jobs API (with the app folder's master key).",
  );
  command
    .command('list')
    .description('List jobs, newest first.')
    .argument('[appDir]', 'function app folder', '.')
    .option('--status <statuses>', 'only these statuses, comma-separated (e.g. Running,Failed)')
    .option('--top <n>', 'at most this many jobs', '50')
    .option('--url <url>', 'address of the running host', defaultHostUrl)
    .option('--json', 'print JSON (as GET /api/jobs returns it)')
    .action(async (appDir: string, options: ApiOptions & { status?: string; top: string }) => {
      const api = await JobsApiClient.open(appDir, options.url);
      const jobs = await api.list({ status: options.status, top: Number(options.top) });
      if (options.json) console.log(JSON.stringify(jobs, null, 2));
      else printJobs(jobs, options.status);
    });
  command
    .command('show')
    .description("Show a job: status, reason, rows, output, and each partition's progress.")
    .argument('<jobId>', 'job id')
    .argument('[appDir]', 'function app folder', '.')
    .option('--url <url>', 'address of the running host', defaultHostUrl)
    .option('--json', 'print JSON (as GET /api/jobs/{id} returns it)')
    .action(async (jobId: string, appDir: string, options: ApiOptions) => {
      const job = await (await JobsApiClient.open(appDir, options.url)).get(jobId);
      if (options.json) console.log(JSON.stringify(job, null, 2));
      else printJob(job);
    });
  command
    .command('cancel')
    .description('Cancel a queued or running job (partitions already scored are not committed).')
    .argument('<jobId>', 'job id')
    .argument('[appDir]', 'function app folder', '.')
    .option('--url <url>', 'address of the running host', defaultHostUrl)
    .action(async (jobId: string, appDir: string, options: ApiOptions) => {
      const result = await (await JobsApiClient.open(appDir, options.url)).cancel(jobId);
      console.log(`Job ${result.id}: ${result.status}.`);
    });
  return command;
}

function printJobs(jobs: JobRecord[], status: string | undefined): void {
  if (jobs.length === 0) {
    console.log(`No jobs${status ? ` with status ${status}` : ''}.`);
    return;
  }
  printTable(
    ['JOB ID', 'STATUS', 'MODEL', 'ROWS', 'CREATED', 'INPUT'],
    jobs.map((job) => [
      job.jobId,
      job.status,
      job.modelVersion ? `${job.model}@${job.modelVersion}` : (job.model ?? ''),
      job.totalRows === undefined ? '' : `${job.scoredRows ?? 0}/${job.totalRows}`,
      job.createdTime,
      job.input,
    ]),
  );
}

function printJob(job: JobView): void {
  const lines: [string, string | number | undefined][] = [
    ['Job', job.jobId],
    ['Status', job.status],
    ['Reason', job.reason],
    ['Source', job.source],
    ['Model', job.modelVersion ? `${job.model}@${job.modelVersion}` : job.model],
    ['Input', job.input],
    ['Rows', job.totalRows === undefined ? undefined : describeRows(job)],
    ['Partitions', `${job.progress.partitionsDone}/${job.progress.partitions} done`],
    ['Output', job.output],
    ['Manifest', job.manifest],
    ['Created', job.createdTime],
    ['Started', job.startedTime],
    ['Completed', job.completedTime],
  ];
  for (const [label, value] of lines)
    if (value !== undefined && value !== '') console.log(`${`${label}:`.padEnd(12)}${value}`);
  if (job.partitionDetails.length === 0) return;
  printTable(
    ['PARTITION', 'STATUS', 'ROWS', 'ATTEMPTS', 'ERROR'],
    job.partitionDetails.map((partition) => [
      String(partition.index),
      partition.status,
      String(partition.rows),
      String(partition.attempt ?? ''),
      partition.error ?? '',
    ]),
  );
}

function describeRows(job: JobRecord): string {
  return `${job.scoredRows ?? 0} scored, ${job.badRows ?? 0} bad, of ${job.totalRows}`;
}
