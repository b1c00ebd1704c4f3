import { setTimeout as sleep } from 'node:timers/promises';
import type { TaskHub } from '../../src/host/durable/taskHub/TaskHub';
import { isTerminal } from '../../src/host/durable/taskHub/RuntimeStatus';
import { jobIdForBlob } from '../../src/scoring/jobIds';
import { finishedJobStatuses, type JobRecord, type JobStore } from '../../src/scoring/JobStore';
import type { StorageClients } from '../../src/storage/StorageClients';
import type { TestHost } from './TestHost';

/** The job as GET /api/jobs/{id} showed it. */
export interface ReportedJob {
  readonly jobId: string;
  readonly createdTime: string;
  readonly status: string;
}

/** Uploads the CSV to the run's input container; returns the job id its blob version gets. */
export async function uploadInput(
  storage: StorageClients,
  where: { readonly input: string; readonly blob: string },
  csv: string,
): Promise<string> {
  const container = await storage.ensureContainer(where.input);
  const uploaded = await container.getBlockBlobClient(where.blob).uploadData(Buffer.from(csv));
  return jobIdForBlob(where.input, where.blob, uploaded.etag ?? '');
}

export async function readBlob(storage: StorageClients, where: string): Promise<Buffer> {
  const [container, ...rest] = where.split('/');
  return storage.container(container!).getBlobClient(rest.join('/')).downloadToBuffer();
}

/** Waits for the job's final row and, given the hub, for its orchestration to end as well. */
export async function waitForJob(
  jobs: JobStore,
  jobId: string,
  hosts: TestHost[],
  hub?: TaskHub,
): Promise<JobRecord> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const job = await jobs.get(jobId);
    const instance = hub && (await hub.instances.read(jobId));
    const ended = !hub || (instance !== undefined && isTerminal(instance.runtimeStatus));
    if (job && finishedJobStatuses.includes(job.status) && ended) return job;
    if (Date.now() > deadline) {
      const outputs = hosts.map((host, index) => `--- host ${index + 1} ---\n${host.output()}`);
      const orchestration = hub ? `, its orchestration ${instance?.runtimeStatus ?? 'missing'}` : '';
      throw new Error(
        `Job ${jobId} is ${job?.status ?? 'not created'}${orchestration} after 60 s.\n${outputs.join('\n')}`,
      );
    }
    await sleep(50);
  }
}

/** GET /api/jobs/{id}, as a client of the jobs API sees the job (undefined unless 200). */
export async function readJobApi(
  host: TestHost,
  key: string,
  jobId: string,
): Promise<ReportedJob | undefined> {
  const response = await host.fetch(`/api/jobs/${jobId}`, { headers: { 'x-functions-key': key } });
  if (response.status !== 200) return undefined;
  const body = (await response.json()) as ReportedJob;
  return { jobId: body.jobId, createdTime: body.createdTime, status: body.status };
}

/**
 * Asks the jobs API about the job until it answers or the host is gone (a few times a second: each
 * question is an invocation of the host under test); returns the answer, if any.
 */
export async function watchJobApi(
  host: TestHost,
  key: string,
  jobId: string,
): Promise<ReportedJob | undefined> {
  while (host.running) {
    const answer = await readJobApi(host, key, jobId).catch(() => undefined);
    if (answer) return answer;
    await sleep(200);
  }
  return undefined;
}

export async function withTimeout<T>(promise: Promise<T>, ms: number, message: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message())), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
