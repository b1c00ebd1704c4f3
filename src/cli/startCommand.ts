import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { loadConfig } from '../config';
import { jobIdForBlob } from '../scoring/jobIds';
import { JobStore } from '../scoring/JobStore';
import { readJobView } from '../scoring/readJobView';
import { StorageClients } from '../storage/StorageClients';
import { followJob } from './followJob';
import { runHostCommand } from './hostCommand';
import { JobsApiClient } from './JobsApiClient';

const demoFile = 'diabetes.csv';

/**
 * `npm start`: runs this app on the embedded host and, once it is up, drops the demo data set into
 * the input container and follows the job it starts to completion, retrains the demo model once, and
 * prints the dashboard's address (where the job, the model and the run now show); then keeps serving.
 */
export async function runStartCommand(appDir: string, port: number): Promise<void> {
  await runHostCommand(appDir, port, (baseUrl) => runDemo(appDir, baseUrl));
}

async function runDemo(appDir: string, baseUrl: string): Promise<void> {
  const config = loadConfig(process.env, appDir);
  const storage = new StorageClients(config.dataStorage);
  const bytes = await readFile(path.join(appDir, 'data', demoFile));
  const container = await storage.ensureContainer(config.inputContainer);
  const uploaded = await container
    .getBlockBlobClient(demoFile)
    .uploadData(bytes, { blobHTTPHeaders: { blobContentType: 'text/csv' } });
  const jobId = jobIdForBlob(config.inputContainer, demoFile, uploaded.etag ?? '');
  console.log(
    `Demo: dropped data/${demoFile} (${bytes.length} bytes) into ${config.inputContainer}/; the blob trigger starts job ${jobId}.`,
  );
  // In the host's own process: the job tables read as GET /api/jobs/{id} reads them, without a request
  // (and its log line) every poll.
  const jobs = new JobStore(storage);
  const job = await followJob((id) => readJobView(jobs, id), jobId, {
    label: 'Demo: scoring',
    timeoutMs: 5 * 60_000,
  });
  console.log(
    `Demo: job ${jobId} ${job.status}${job.reason ? ` (${job.reason})` : ''}: ${job.scoredRows ?? 0} rows scored, ${job.badRows ?? 0} bad.`,
  );
  if (job.output) console.log(`  predictions: ${job.output}\n  manifest:    ${job.manifest}`);
  console.log(`  status API:  ${baseUrl}/api/jobs/${jobId} (function key: npx durable-scoring keys)`);
  await retrainDemoModel(appDir, baseUrl, config.defaultModel);
  console.log(`Dashboard: ${baseUrl}/api/dashboard/ (sign in with a function key: npx durable-scoring keys)`);
}

/** One retraining run of the demo model (its card declares retraining), followed to its decision. */
async function retrainDemoModel(appDir: string, baseUrl: string, model: string): Promise<void> {
  const api = await JobsApiClient.open(appDir, baseUrl);
  const path = `models/${encodeURIComponent(model)}`;
  const { runId } = await api.call<{ runId: string }>('POST', `${path}/retrain`, {
    reason: 'npm start demo',
  });
  const deadline = Date.now() + 2 * 60_000;
  for (;;) {
    const run = await api.call<{ status: string; decision?: string }>('GET', `${path}/runs/${runId}`);
    if (run.status !== 'Running') {
      console.log(`Demo: retrain run ${runId} of ${model} ${run.status}: ${run.decision ?? ''}`);
      return;
    }
    if (Date.now() > deadline) {
      console.log(`Demo: retrain run ${runId} of ${model} is still running; see the dashboard.`);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
