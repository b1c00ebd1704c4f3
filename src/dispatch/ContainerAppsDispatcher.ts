import {
  ContainerAppsAPIClient,
  type ContainerAppsAPIClientOptionalParams,
  type JobExecutionTemplate,
} from '@azure/arm-appcontainers';
import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import type { StorageClients } from '../storage/StorageClients';
import { markJobCancelled } from './cancelMarkers';
import { enqueueWorkItems } from './enqueueWorkItems';
import type { WorkDispatcher, WorkItem } from './workContracts';

export interface ContainerAppsJobOptions {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly jobName: string;
  /** Executions running at once at most: a dispatch starts only as many as are missing. */
  readonly maxExecutions: number;
  /** When set, each execution runs this image (see docs/container-jobs.md); else the job's template. */
  readonly image?: string;
}

export interface ContainerAppsDispatcherOptions {
  readonly storage: StorageClients;
  readonly workQueue: string;
  readonly workResultsQueue: string;
  readonly job: ContainerAppsJobOptions;
  /** Default: DefaultAzureCredential (managed identity on Azure; AZURE_CLIENT_ID picks a user-assigned one). */
  readonly credential?: TokenCredential;
  /** ARM client options: `endpoint` for another cloud, TLS options. */
  readonly clientOptions?: ContainerAppsAPIClientOptionalParams;
  readonly log?: (line: string) => void;
}

/** One execution of the job, for diagnostics. */
export interface JobExecutionStatus {
  readonly name: string;
  readonly status: string;
  readonly startTime?: string;
  readonly endTime?: string;
}

// States of an execution that still takes work items.
const activeStates = new Set(['Running', 'Processing']);

/** The name of the worker container in the job (and in a start request's template). */
export const workerContainerName = 'worker';

/**
 * Runs work items in executions of a manually triggered Azure Container Apps job. Each execution runs
 * the worker with --exit-when-idle: it drains the work queue and ends. A dispatch enqueues the items,
 * then starts executions until `maxExecutions` run (never more than one per item).
 */
export class ContainerAppsDispatcher implements WorkDispatcher {
  readonly name = 'containerApps';
  readonly #client: ContainerAppsAPIClient;

  constructor(private readonly options: ContainerAppsDispatcherOptions) {
    this.#client = new ContainerAppsAPIClient(
      options.credential ?? new DefaultAzureCredential(),
      options.job.subscriptionId,
      options.clientOptions,
    );
  }

  async dispatch(items: readonly WorkItem[]): Promise<void> {
    if (items.length === 0) return;
    await enqueueWorkItems(this.options.storage, this.options.workQueue, items);
    const running = (await this.executions()).filter((execution) => activeStates.has(execution.status));
    const missing = Math.min(items.length, this.options.job.maxExecutions - running.length);
    for (let started = 0; started < missing; started += 1) {
      const execution = await this.startExecution();
      this.#log(`started execution ${execution} of job ${this.options.job.jobName}`);
    }
  }

  async cancel(jobId: string): Promise<void> {
    await markJobCancelled(this.options.storage, jobId);
  }

  async close(): Promise<void> {
    // Nothing to release: executions end on their own once the queue is empty.
  }

  /** Starts one execution; returns its name. */
  async startExecution(): Promise<string> {
    const { resourceGroup, jobName } = this.options.job;
    const template = this.#template();
    const execution = await this.#client.jobs.start(resourceGroup, jobName, template ? { template } : {});
    return execution.name ?? '(unnamed)';
  }

  /** The job's executions, as ARM lists them. */
  async executions(): Promise<JobExecutionStatus[]> {
    const { resourceGroup, jobName } = this.options.job;
    const list: JobExecutionStatus[] = [];
    for await (const execution of this.#client.jobsExecutions.list(resourceGroup, jobName)) {
      list.push({
        name: execution.name ?? '(unnamed)',
        status: execution.status ?? 'Unknown',
        startTime: execution.startTime?.toISOString(),
        endTime: execution.endTime?.toISOString(),
      });
    }
    return list;
  }

  /** One execution's status, for diagnostics. */
  async executionStatus(executionName: string): Promise<JobExecutionStatus> {
    const { resourceGroup, jobName } = this.options.job;
    const execution = await this.#client.jobExecution(resourceGroup, jobName, executionName);
    return {
      name: execution.name ?? executionName,
      status: execution.status ?? 'Unknown',
      startTime: execution.startTime?.toISOString(),
      endTime: execution.endTime?.toISOString(),
    };
  }

  #template(): JobExecutionTemplate | undefined {
    const { image } = this.options.job;
    if (!image) return undefined;
    return {
      containers: [
        {
          name: workerContainerName,
          image,
          env: [
            { name: 'AzureWebJobsStorage', secretRef: 'storage-connection' },
            { name: 'WORK_QUEUE', value: this.options.workQueue },
            { name: 'WORK_RESULTS_QUEUE', value: this.options.workResultsQueue },
          ],
        },
      ],
    };
  }

  #log(line: string): void {
    (this.options.log ?? ((text: string) => process.stderr.write(`${text}\n`)))(line);
  }
}
