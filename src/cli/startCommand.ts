import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { SingleBar, Presets } from 'cli-progress';
import { loadConfig } from '../config';
import { jobIdForBlob } from '../jobs/jobIds';
import { finishedJobStatuses, JobStore, type JobRecord } from '../jobs/JobStore';
import { StorageClients } from '../storage/StorageClients';
import { runHostCommand } from './hostCommand';

const demoFile = 'diabetes.csv';

/**
 * `npm start`: runs this app on the embedded host and, once it is up, drops the demo data set into
 * the input container and follows the job it starts to completion, then keeps serving.
 */
export async function runStartCommand(appDir: string, port: number): Promise<void> {
  await runHostCommand(appDir, port, (baseUrl) => runDemo(appDir, baseUrl));
}

async function runDemo(appDir: string, baseUrl: string): Promise<void> {
  const config = loadConfig(process.env, appDir);
  const storage = new StorageClients(config.storageConnection);
  const jobs = new JobStore(storage);
  const bytes = await readFile(path.join(appDir, 'data', demoFile));
  const container = await storage.ensureContainer(config.inputContainer);
  const uploaded = await container
    .getBlockBlobClient(demoFile)
    .uploadData(bytes, { blobHTTPHeaders: { blobContentType: 'text/csv' } });
  const jobId = jobIdForBlob(config.inputContainer, demoFile, uploaded.etag ?? '');
  console.log(
    `Demo: dropped data/${demoFile} (${bytes.length} bytes) into ${config.inputContainer}/; the blob trigger starts job ${jobId}.`,
  );
  const job = await follow(jobs, jobId);
  console.log(
    `Demo: job ${jobId} ${job.status}${job.reason ? ` (${job.reason})` : ''}: ${job.scoredRows ?? 0} rows scored, ${job.badRows ?? 0} bad.`,
  );
  if (job.output) console.log(`  predictions: ${job.output}\n  manifest:    ${job.manifest}`);
  console.log(`  status API:  ${baseUrl}/api/jobs/${jobId} (function key: npx durable-scoring keys)`);
}

async function follow(jobs: JobStore, jobId: string): Promise<JobRecord> {
  const bar = new SingleBar(
    { format: 'Demo: scoring [{bar}] {value}/{total} partitions | {status}', hideCursor: true },
    Presets.shades_classic,
  );
  let started = false;
  const deadline = Date.now() + 5 * 60_000;
  try {
    for (;;) {
      const job = await jobs.get(jobId);
      if (job?.partitions !== undefined) {
        if (!started) bar.start(job.partitions, 0, { status: job.status });
        started = true;
        bar.update(
          job.status === 'Running'
            ? (await jobs.partitions(jobId)).filter((p) => p.status !== 'Running').length
            : (job.partitionsDone ?? 0),
          { status: job.status },
        );
      }
      if (job && finishedJobStatuses.includes(job.status)) return job;
      if (Date.now() > deadline)
        throw new Error(`Job ${jobId} did not finish within 5 minutes; see the host log.`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    if (started) bar.stop();
  }
}
