import { TaskHub } from '../../src/host/durable/taskHub/TaskHub';
import type { InstanceRecord } from '../../src/host/durable/taskHub/InstanceStore';
import { StorageConnection } from '../../src/host/storage/StorageConnection';
import { JobStore, type JobRecord } from '../../src/scoring/JobStore';
import { StorageClients } from '../../src/storage/StorageClients';
import { visibilityTimeout } from './crashAndRecover';
import { crashInput, type CrashInput } from './crashInput';
import { crashPlace, type CrashPlace, type StorageMode } from './crashPlace';
import {
  readBlob,
  readJobApi,
  uploadInput,
  waitForJob,
  watchJobApi,
  withTimeout,
  type ReportedJob,
} from './jobProbes';
import type { TapCut } from './StorageTap';
import { TestHost } from './TestHost';
import { uniqueHubName } from './durableTestClient';
import { hostSecrets, uniqueName } from './testStorage';

/** What one crash run is called in storage: its own input container, task hub and host id. */
export interface RunNames {
  readonly input: string;
  readonly output: string;
  readonly hub: string;
  readonly hostId: string;
  readonly blob: string;
}

/**
 * How the host is killed: as soon as the upload is acknowledged, at a host crash point
 * (`DurableScoring__CrashAt`), or before or after one storage request (host alone: the tap).
 */
export type Kill =
  | { readonly afterUpload: true }
  | { readonly crashAt: string }
  | { readonly cut: (names: RunNames) => Omit<TapCut, 'then'> };

export interface KillPoint {
  readonly stage: string;
  readonly kill: Kill;
}

/** What a restarted host made of a job whose first host was killed. */
export interface CrashOutcome {
  readonly jobId: string;
  readonly job: JobRecord;
  readonly predictions: Buffer;
  readonly manifest: { status: string; rows: { total: number; scored: number; bad: number } } & {
    partitions: { index: number; rows: number; scoredRows: number }[];
  };
  /** Every job row whose input is the dropped blob. */
  readonly jobsForBlob: JobRecord[];
  readonly instances: InstanceRecord[];
  /** What GET /api/jobs/{id} answered before the kill, if it had answered. */
  readonly reportedBefore?: ReportedJob;
  /** The same request to the restarted host once the job ended. */
  readonly reportedAfter?: ReportedJob;
  /** From "Host ready" of the restarted host to the job's end (final job row, orchestration done). */
  readonly recoveryMs: number;
  /** From the kill to the job's end: the restart included. */
  readonly sinceKillMs: number;
}

const blobName = 'diabetes-x16.csv';
// Hosts start side by side on a busy machine.
const startTimeoutMs = 60_000;

/**
 * Kills the project's app, on the real host, at chosen points of a batch-scoring job and finishes the
 * job on a restarted host (same host id, hub and storage). Each run has its own input container and
 * task hub, so runs of a suite can go side by side; the output container is the suite's.
 */
export class ScoringCrashSuite {
  readonly output = uniqueName('out');
  readonly #figures: { stage: string; recoveryMs: number; sinceKillMs: number; reported: boolean }[] = [];
  #input: CrashInput | undefined;
  #reference: Promise<Buffer> | undefined;

  constructor(readonly mode: StorageMode) {}

  get input(): CrashInput {
    return (this.#input ??= crashInput());
  }

  /** The predictions of an uninterrupted job on the same settings and storage mode (run once). */
  reference(): Promise<Buffer> {
    return (this.#reference ??= this.#withPlace((place) => this.#uninterrupted(place)));
  }

  /** Runs a job, kills its host at the point, restarts the host and reports what it finished with. */
  async crash(point: KillPoint): Promise<CrashOutcome> {
    const outcome = await this.#withPlace((place) => this.#crash(point, place));
    this.#figures.push({
      stage: point.stage,
      recoveryMs: outcome.recoveryMs,
      sinceKillMs: outcome.sinceKillMs,
      reported: outcome.reportedBefore !== undefined,
    });
    return outcome;
  }

  /** The recovery figures so far, as a table. */
  figures(): string {
    const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    const rows = this.#figures.map(
      (figure) =>
        `| ${figure.stage} | ${seconds(figure.recoveryMs)} | ${seconds(figure.sinceKillMs)} | ${figure.reported ? 'yes' : 'no'} |`,
    );
    return [
      `Recovery (${this.mode}): to the job's end (final job row and orchestration) from the restarted host's "Host ready", and from the kill`,
      '| kill point | from ready | from kill | API had answered |',
      '| --- | --- | --- | --- |',
      ...rows,
    ].join('\n');
  }

  async #withPlace<T>(use: (place: CrashPlace) => Promise<T>): Promise<T> {
    const place = await crashPlace(this.mode);
    try {
      return await use(place);
    } finally {
      await place.dispose();
    }
  }

  #names(): RunNames {
    return {
      input: uniqueName('in'),
      output: this.output,
      hub: uniqueHubName('Crash'),
      hostId: uniqueName('crash'),
      blob: blobName,
    };
  }

  #settings(place: CrashPlace, names: RunNames): Record<string, string> {
    return {
      ...place.settings,
      SCORING_INPUT_CONTAINER: names.input,
      SCORING_OUTPUT_CONTAINER: names.output,
      AzureFunctionsJobHost__extensions__durableTask__hubName: names.hub,
      'AzureWebJobs.retrainOnSchedule.Disabled': 'true',
      // Five partitions in three waves of two.
      SCORING_PARTITION_BYTES: String(64 * 1024),
      SCORING_MAX_CONCURRENCY: '2',
      // What the killed host held comes back 3 s after the kill.
      ...visibilityTimeout('00:00:03'),
      // One inference thread: several hosts share the cores (the output does not depend on it).
      WORKER_THREADS: '1',
    };
  }

  async #uninterrupted(place: CrashPlace): Promise<Buffer> {
    const names = this.#names();
    const host = await TestHost.start(place.appDir, {
      startTimeoutMs,
      hostId: names.hostId,
      settings: this.#settings(place, names),
    });
    try {
      const storage = new StorageClients(place.connection);
      const jobId = await uploadInput(storage, names, this.input.csv);
      const job = await waitForJob(new JobStore(storage), jobId, [host]);
      if (job.status !== 'Succeeded')
        throw new Error(`The uninterrupted job ended ${job.status}: ${job.reason}\n${host.output()}`);
      return await readBlob(storage, job.output!);
    } finally {
      await host.stop();
    }
  }

  async #crash(point: KillPoint, place: CrashPlace): Promise<CrashOutcome> {
    const names = this.#names();
    const settings = this.#settings(place, names);
    const storage = new StorageClients(place.connection);
    const killed = await this.#runUntilKilled(point, place, names, settings, storage);
    const second = await TestHost.start(place.appDir, {
      startTimeoutMs,
      hostId: names.hostId,
      settings,
    });
    const ready = Date.now();
    try {
      const { jobId } = killed;
      const jobs = new JobStore(storage);
      const hub = new TaskHub(new StorageConnection(place.connection), names.hub, 4);
      const job = await waitForJob(jobs, jobId, [killed.host, second], hub);
      const recoveryMs = Date.now() - ready;
      const sinceKillMs = Date.now() - killed.at;
      const input = `${names.input}/${names.blob}`;
      return {
        jobId,
        job,
        recoveryMs,
        sinceKillMs,
        predictions: job.output ? await readBlob(storage, job.output) : Buffer.alloc(0),
        manifest: job.manifest
          ? (JSON.parse((await readBlob(storage, job.manifest)).toString()) as CrashOutcome['manifest'])
          : { status: 'missing', rows: { total: 0, scored: 0, bad: 0 }, partitions: [] },
        jobsForBlob: (await jobs.list({ top: 100_000 })).filter((row) => row.input === input),
        instances: (await hub.instances.query({})).instances,
        reportedBefore: killed.reported,
        reportedAfter: await readJobApi(second, killed.key, jobId),
      };
    } finally {
      await second.stop();
    }
  }

  /** Starts the host, drops the input and kills the host at the point; the jobs API is watched meanwhile. */
  async #runUntilKilled(
    point: KillPoint,
    place: CrashPlace,
    names: RunNames,
    settings: Record<string, string>,
    storage: StorageClients,
  ) {
    const { kill } = point;
    const crashing: Record<string, string> =
      'crashAt' in kill ? { DurableScoring__CrashAt: kill.crashAt } : {};
    const host = await TestHost.start(place.appDir, {
      startTimeoutMs,
      hostId: names.hostId,
      settings: { ...settings, ...crashing },
    });
    try {
      let killed: Promise<unknown> | undefined;
      if ('cut' in kill) {
        if (!place.tap) throw new Error(`"${point.stage}" cuts a storage request: it needs the host alone.`);
        killed = place.tap.cutAt({ ...kill.cut(names), then: () => host.kill() });
      }
      const secrets = await hostSecrets(names.hostId, new StorageConnection(place.connection));
      const key = secrets.masterKey.value;
      const jobId = await uploadInput(storage, names, this.input.csv);
      if ('afterUpload' in kill) killed = host.kill();
      if ('crashAt' in kill)
        killed = host.waitForLog(/Crash point \S+ reached/, 30_000).then(() => host.kill());
      const watching = watchJobApi(host, key, jobId);
      const notKilled = () => `The host was not killed at "${point.stage}".\n${host.output()}`;
      await withTimeout(killed!, 30_000, notKilled);
      return { host, jobId, key, reported: await watching, at: Date.now() };
    } catch (error) {
      await host.kill();
      throw error;
    }
  }
}
