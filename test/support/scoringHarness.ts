import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { jobIdForBlob } from '../../src/scoring/jobIds';
import { finishedJobStatuses, JobStore, type JobRecord } from '../../src/scoring/JobStore';
import { StorageClients } from '../../src/storage/StorageClients';
import { TestHost } from './TestHost';
import { uniqueHubName } from './durableTestClient';
import { uniqueName } from './testStorage';

/** The project app on the real host with its own containers and task hub, plus helpers to drive it. */
/** What a CLI run printed and how it ended. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

const cliPath = path.resolve('bin/durable-scoring.js');

export class ScoringHarness {
  readonly storage = new StorageClients(process.env.TEST_STORAGE_CONNECTION ?? '');
  readonly jobs = new JobStore(this.storage);
  readonly input = uniqueName('in');
  readonly output = uniqueName('out');
  readonly hubName = uniqueHubName('Scoring');
  host!: TestHost;

  constructor(private readonly settings: Record<string, string> = {}) {}

  /**
   * Runs the `durable-scoring` CLI as a user would, with this harness's settings; `--url` points at the
   * harness host unless given.
   */
  runCli(args: readonly string[], url = this.host.baseUrl): Promise<CliRun> {
    return new Promise((resolve) => {
      execFile(process.execPath, this.cliArgs(args, url), { env: this.cliEnv() }, (error, stdout, stderr) => {
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
      });
    });
  }

  /** Starts the CLI without waiting for it (to signal it, read its output as it comes). */
  spawnCli(args: readonly string[], url = this.host.baseUrl): ChildProcess {
    return spawn(process.execPath, this.cliArgs(args, url), { env: this.cliEnv() });
  }

  private cliArgs(args: readonly string[], url: string): string[] {
    return [cliPath, ...args, '--url', url];
  }

  private cliEnv(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      AzureWebJobsStorage: process.env.TEST_STORAGE_CONNECTION,
      AzureFunctionsWebHost__hostid: this.host.hostId,
      SCORING_INPUT_CONTAINER: this.input,
      SCORING_OUTPUT_CONTAINER: this.output,
      ...this.settings,
    };
  }

  async start(hostId?: string): Promise<void> {
    this.host = await TestHost.start('.', {
      hostId,
      settings: {
        SCORING_INPUT_CONTAINER: this.input,
        SCORING_OUTPUT_CONTAINER: this.output,
        AzureFunctionsJobHost__extensions__durableTask__hubName: this.hubName,
        // The nightly retraining timer is not what these tests are about (it has tests of its own).
        'AzureWebJobs.retrainOnSchedule.Disabled': 'true',
        ...this.settings,
      },
    });
  }

  /** Uploads a blob to the input container; returns the job id its version gets. */
  async drop(name: string, bytes: Buffer | string, metadata?: Record<string, string>): Promise<string> {
    const container = await this.storage.ensureContainer(this.input);
    const data = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
    const uploaded = await container.getBlockBlobClient(name).uploadData(data, { metadata });
    return jobIdForBlob(this.input, name, uploaded.etag ?? '');
  }

  async waitForJob(jobId: string, timeoutMs = 30_000): Promise<JobRecord> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const job = await this.jobs.get(jobId);
      if (job && finishedJobStatuses.includes(job.status)) return job;
      if (Date.now() > deadline)
        throw new Error(
          `Job ${jobId} is ${job?.status ?? 'not created'} after ${timeoutMs} ms.\n${this.host.output()}`,
        );
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async read(container: string, blob: string): Promise<Buffer> {
    return this.storage.container(container).getBlobClient(blob).downloadToBuffer();
  }

  async readOutput(path: string): Promise<Buffer> {
    const [container, ...rest] = path.split('/');
    return this.read(container!, rest.join('/'));
  }
}

/** Predictions for the rows straight from onnxruntime-node in a separate process. */
export function referencePredictions(modelPath: string, rows: number[][]): Record<string, number[]> {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'ort-')), 'rows.json');
  writeFileSync(file, JSON.stringify(rows));
  const output = execFileSync(process.execPath, [path.join(__dirname, 'ortPredict.js'), modelPath, file], {
    encoding: 'utf8',
  });
  return JSON.parse(output) as Record<string, number[]>;
}

/** Predictions of several models, each for its own rows, from one separate onnxruntime-node process. */
export function referencePredictionsMany(
  runs: readonly { model: string; rows: number[][] }[],
): Record<string, number[]>[] {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'ort-')), 'runs.json');
  writeFileSync(file, JSON.stringify(runs));
  const output = execFileSync(process.execPath, [path.join(__dirname, 'ortPredict.js'), '--many', file], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(output) as Record<string, number[]>[];
}

/** A small CSV parser for test data without quotes. */
export function parseSimpleCsv(text: string): { header: string[]; rows: string[][] } {
  const [head, ...lines] = text.trim().split(/\r?\n/);
  return { header: head!.split(','), rows: lines.map((line) => line.split(',')) };
}

/** The diabetes fixture and the bundled model's predictions for it, from onnxruntime in its own process. */
export function diabetesReference() {
  const csv = readFileSync('test/fixtures/data/diabetes.csv', 'utf8');
  const table = parseSimpleCsv(csv);
  const features = ['age', 'sex', 'bmi', 'bp', 's1', 's2', 's3', 's4', 's5', 's6'];
  const rows = table.rows.map((row) => features.map((name) => Number(row[table.header.indexOf(name)])));
  return { csv, table, expected: referencePredictions('models/diabetes/model.onnx', rows).variable! };
}
