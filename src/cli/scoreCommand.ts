import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Command, Option } from 'commander';
import { inputFormats } from '../runtime/formats/InputFormat';
import { noAutoScoreMetadata } from '../scoring/startJobForDrop';
import { StorageClients } from '../storage/StorageClients';
import { followJob, jobsApiReader } from './followJob';
import { defaultHostUrl, JobsApiClient, type JobView } from './JobsApiClient';
import { readBlob } from '../storage/readBlob';

interface ScoreOptions {
  model: string;
  partitionBy?: string;
  fallback?: string;
  url: string;
  format?: string;
  passThrough?: string;
  json?: boolean;
}

const contentTypes: Record<string, string> = {
  '.csv': 'text/csv',
  '.jsonl': 'application/x-ndjson',
  '.parquet': 'application/vnd.apache.parquet',
};

/** `durable-scoring score <file> --model <ref>`: upload, start a job over the API, follow it, print its manifest. */
export function scoreCommand(): Command {
  return new Command('score')
    .description(
      'Score a local file on a running host: upload it to the input container, start a job (POST /api/jobs), show its progress and print the manifest.',
    )
    .argument('<file>', 'data file: .csv, .jsonl or .parquet')
    .argument('[appDir]', 'function app folder (its settings name the storage account and containers)', '.')
    .requiredOption('-m, --model <ref>', 'model: name, name@<version> or name@<stage>')
    .option(
      '--partition-by <columns>',
      'many models: score each row with the version of --model tagged with its values of these columns (e.g. Store,Brand)',
    )
    .option(
      '--fallback <model>',
      'with --partition-by: the model for rows whose key has no version (default: an error row each)',
    )
    .option('--url <url>', 'address of the running host', defaultHostUrl)
    .addOption(
      new Option('--format <format>', 'output format (default: the input format)').choices(inputFormats),
    )
    .option('--pass-through <columns>', 'input columns copied to the output, comma-separated (e.g. id,age)')
    .option('--json', 'print the whole manifest as JSON')
    .action((file: string, appDir: string, options: ScoreOptions) => runScore(file, appDir, options));
}

async function runScore(file: string, appDir: string, options: ScoreOptions): Promise<void> {
  const bytes = await readFile(file).catch((error: NodeJS.ErrnoException) => {
    throw new Error(`Cannot read ${file}: ${error.code === 'ENOENT' ? 'no such file' : error.message}.`);
  });
  if (options.fallback !== undefined && options.partitionBy === undefined)
    throw new Error('--fallback applies to --partition-by jobs only.');
  const api = await JobsApiClient.open(appDir, options.url);
  const storage = new StorageClients(api.config.dataStorage);
  const blob = await upload(storage, api.config.inputContainer, file, bytes);
  const passThrough = options.passThrough === undefined ? undefined : columnList(options.passThrough);
  const model =
    options.partitionBy === undefined
      ? options.model
      : {
          name: options.model,
          partitionBy: columnList(options.partitionBy),
          ...(options.fallback === undefined ? {} : { fallback: { model: options.fallback } }),
        };
  const jobId = await api
    .create({ input: { blob }, model, output: { format: options.format, passThrough } })
    .catch(async (error: unknown) => {
      // No job will read the upload: do not leave it behind.
      await storage
        .container(api.config.inputContainer)
        .deleteBlob(blob)
        .catch(() => undefined);
      throw error;
    });
  console.error(
    `Uploaded ${file} (${bytes.length} bytes) to ${api.config.inputContainer}/${blob}; job ${jobId} started. ` +
      `Ctrl+C stops following it, not the job (see "durable-scoring jobs show ${jobId}").`,
  );
  const job = await followJob(jobsApiReader(api), jobId, { label: 'Scoring' });
  const manifest = job.manifest ? await readManifest(storage, job.manifest) : undefined;
  if (options.json) console.log(JSON.stringify(manifest ?? job, null, 2));
  else printSummary(job, manifest);
  if (job.status === 'Failed' || job.status === 'Canceled') process.exitCode = 1;
}

function columnList(text: string): string[] {
  return text.split(',').map((column) => column.trim());
}

/** Uploads under a fresh folder (two uploads of data.csv never collide), marked so the blob trigger leaves it to the API job. */
async function upload(
  storage: StorageClients,
  container: string,
  file: string,
  bytes: Buffer,
): Promise<string> {
  const stamp = new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const name = `cli/${stamp}-${randomBytes(3).toString('hex')}/${path.basename(file)}`;
  const client = (await storage.ensureContainer(container)).getBlockBlobClient(name);
  const contentType = contentTypes[path.extname(file).toLowerCase()];
  await client.uploadData(bytes, {
    metadata: { ...noAutoScoreMetadata },
    blobHTTPHeaders: contentType ? { blobContentType: contentType } : undefined,
  });
  return name;
}

/** The parts of `_manifest.json` the summary shows. */
interface Manifest {
  /** A keyed job's model has `partitionBy` and `keys`, and `versions` (the blob listing each key's version). */
  model?: { name: string; version?: number; partitionBy?: string[]; keys?: number; versions?: string };
  rows?: { total: number; scored: number; bad: number };
  output?: { container: string; predictions?: string };
  errors?: string;
  notes?: string[];
}

async function readManifest(storage: StorageClients, location: string): Promise<Manifest | undefined> {
  const [container, ...rest] = location.split('/');
  const blob = storage.container(container ?? '').getBlobClient(rest.join('/'));
  if (!(await blob.exists())) return undefined;
  return JSON.parse((await readBlob(blob)).bytes.toString()) as Manifest;
}

function modelText(model: NonNullable<Manifest['model']>): string {
  if (model.partitionBy === undefined) return `${model.name}@${model.version}`;
  return `${model.name}, one version per ${model.partitionBy.join(' × ')} (${model.keys} keys)`;
}

function printSummary(job: JobView, manifest: Manifest | undefined): void {
  const { model, rows, output } = manifest ?? {};
  const lines: [string, string | undefined][] = [
    ['model', model ? modelText(model) : job.model],
    ['versions', model?.versions],
    ['rows', rows ? `${rows.scored} scored, ${rows.bad} bad, of ${rows.total}` : undefined],
    ['output', output?.predictions ? `${output.container}/${output.predictions}` : undefined],
    ['errors', manifest?.errors ? `${output?.container}/${manifest.errors}` : undefined],
    ['manifest', manifest ? job.manifest : undefined],
    ['reason', job.reason],
    ...(manifest?.notes ?? []).map((note): [string, string] => ['note', note]),
  ];
  console.log(`Job ${job.jobId}: ${job.status}`);
  for (const [label, value] of lines) if (value) console.log(`  ${label.padEnd(9)}${value}`);
}
