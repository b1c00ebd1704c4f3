import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EventHubProducerClient } from '@azure/event-hubs';
import { findFreePort } from '../../src/host/azurite/startAzurite';
import { StorageClients } from '../../src/storage/StorageClients';
import { visibilityTimeout } from './crashAndRecover';
import { durableTestClient, uniqueHubName } from './durableTestClient';
import { StorageTap, type TapCut } from './StorageTap';
import { TestHost } from './TestHost';
import { hostSecrets, uniqueName } from './testStorage';
import { base, features, latenessMs, windowIso, windowMs, type Reading } from './windowReadings';
import { emulatorConnectionString } from './eventHubsEmulator';

/** A row of GET /api/streams/{name}/windows. */
export interface WindowRow {
  readonly windowStart: string;
  readonly state: string;
  readonly eventsIn?: number;
  readonly duplicatesDropped?: number;
  readonly lateEvents?: number;
  readonly keys?: number;
  readonly scoredRows?: number;
  readonly output?: string;
  readonly reason?: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A window stream on a host that is killed (SIGKILL) and restarted with the same host id, again and
 * again: the host reaches storage through a tap (to kill it at one chosen request), the test produces
 * events with the unmodified EventHubProducerClient to the host's own Event Hubs endpoint (its log is
 * in storage, so it outlives the host), and reads outputs straight from Azurite.
 */
export class WindowCrashRun {
  readonly names = {
    hostId: uniqueName('wincrash'),
    hub: uniqueName('sensors'),
    output: uniqueName('wincrashout'),
    windowsTable: uniqueName('windows'),
    taskHub: uniqueHubName('WinCrash'),
  };
  /** Every reading sent so far, once each. */
  readonly sent: Reading[] = [];
  readonly storage = new StorageClients(process.env.TEST_STORAGE_CONNECTION ?? '');
  readonly durable = durableTestClient(this.names.taskHub);
  #host: TestHost | undefined;
  #key = '';
  readonly #starts: number[] = [];

  private constructor(
    readonly tap: StorageTap,
    private readonly port: number,
    private readonly streamsDirectory: string,
  ) {}

  static async create(): Promise<WindowCrashRun> {
    const tap = await StorageTap.start(process.env.TEST_STORAGE_CONNECTION ?? '');
    const directory = path.join(mkdtempSync(path.join(os.tmpdir(), 'streams-')), 'streams');
    const run = new WindowCrashRun(tap, await findFreePort(), directory);
    mkdirSync(directory);
    const definition = {
      name: 'sensors',
      source: { hub: run.names.hub },
      schema: { deviceId: 'string', at: 'timestamp', temp: 'number', rpm: 'number', vib: 'number' },
      key: 'deviceId',
      mode: 'window',
      // Closed by the watermark only: the idle timer is far beyond the test.
      window: {
        size: `${windowMs}ms`,
        allowedLateness: `${latenessMs}ms`,
        eventTime: 'at',
        idleTimeout: '1h',
      },
      features,
      model: 'windowed@production',
      outputs: { folder: 'sensors' },
    };
    writeFileSync(path.join(directory, 'sensors.json'), JSON.stringify(definition));
    return run;
  }

  get host(): TestHost {
    if (!this.#host) throw new Error('No host started.');
    return this.#host;
  }

  /** The host's connection string for producers: its own Event Hubs endpoint, on a fixed port. */
  get connection(): string {
    return emulatorConnectionString(this.port);
  }

  /** Start-up times (ms from spawn to ready), one per start. */
  get starts(): readonly number[] {
    return this.#starts;
  }

  /** Starts the host (again: same host id, hub, tables), with `crashAt` as DurableScoring__CrashAt. */
  async start(crashAt?: string): Promise<void> {
    if (this.#host?.running) throw new Error('The host is still running.');
    const begun = Date.now();
    this.#host = await TestHost.start('.', {
      hostId: this.names.hostId,
      startTimeoutMs: 60_000,
      settings: {
        AzureWebJobsStorage: this.tap.connectionString,
        EventHubConnection: this.connection,
        DurableScoring__EventHubs__Port: String(this.port),
        STREAMS_DIRECTORY: this.streamsDirectory,
        STREAMS_TABLE: `${this.names.windowsTable}streams`,
        STREAM_WINDOWS_TABLE: this.names.windowsTable,
        MODEL_REGISTRY_TABLE: `${this.names.windowsTable}models`,
        MODEL_REGISTRY_CONTAINER: `${this.names.output}models`,
        SCORING_OUTPUT_CONTAINER: this.names.output,
        SCORING_INPUT_CONTAINER: `${this.names.output}in`,
        AzureFunctionsJobHost__extensions__durableTask__hubName: this.names.taskHub,
        // Five devices a shard, two shards at a time: a window is a fan-out of three, in two waves.
        STREAM_WINDOW_SHARD_KEYS: '5',
        SCORING_MAX_CONCURRENCY: '2',
        'AzureWebJobs.retrainOnSchedule.Disabled': 'true',
        // Small batches, checkpointed every third: a kill redelivers several, cut differently.
        AzureFunctionsJobHost__extensions__eventHubs__maxEventBatchSize: '8',
        AzureFunctionsJobHost__extensions__eventHubs__batchCheckpointFrequency: '3',
        // A killed host's work items come back soon.
        ...visibilityTimeout('00:00:04'),
        ...(crashAt ? { DurableScoring__CrashAt: crashAt } : {}),
      },
    });
    this.#starts.push(Date.now() - begun);
    this.#key ||= (await hostSecrets(this.names.hostId)).masterKey.value;
  }

  /** SIGKILL now, then a plain restart. */
  async killAndRestart(): Promise<void> {
    await this.host.kill();
    await this.start();
  }

  /** Ctrl+C, then a start with `crashAt` set. */
  async restartWith(crashAt: string): Promise<void> {
    await this.host.stop();
    await this.start(crashAt);
  }

  /** Kills the host at the storage request `cut` names; resolves once it is dead. */
  killAt(cut: Omit<TapCut, 'then'>): Promise<void> {
    return this.tap.cutAt({ ...cut, then: () => this.host.kill() });
  }

  /** Waits for the host to reach its crash point and die. */
  async crashed(): Promise<void> {
    await this.host.waitForLog(/Crash point \S+ reached/, 45_000);
    await this.host.kill();
  }

  /** Sends readings, one batch per device (its partition key), all before returning. */
  async send(readings: readonly Reading[]): Promise<void> {
    const producer = new EventHubProducerClient(this.connection, this.names.hub);
    try {
      const byDevice = new Map<string, Reading[]>();
      for (const r of readings) byDevice.set(r.deviceId, [...(byDevice.get(r.deviceId) ?? []), r]);
      for (const [partitionKey, own] of byDevice) {
        const batch = await producer.createBatch({ partitionKey });
        for (const body of own) if (!batch.tryAdd({ body })) throw new Error('The batch is full.');
        await producer.sendBatch(batch);
      }
      this.sent.push(...readings);
    } finally {
      await producer.close();
    }
  }

  /** Sends `reading(partitionId)` to every partition; returns how many partitions there are. */
  async sendToEachPartition(reading: (partitionId: string) => Reading): Promise<number> {
    const producer = new EventHubProducerClient(this.connection, this.names.hub);
    try {
      const partitionIds = await producer.getPartitionIds();
      for (const partitionId of partitionIds) {
        const batch = await producer.createBatch({ partitionId });
        batch.tryAdd({ body: reading(partitionId) });
        await producer.sendBatch(batch);
        this.sent.push(reading(partitionId));
      }
      return partitionIds.length;
    } finally {
      await producer.close();
    }
  }

  async api<T>(route: string, init: RequestInit = {}): Promise<{ status: number; body: T }> {
    const response = await this.host.fetch(`/api/${route}`, {
      ...init,
      headers: { 'x-functions-key': this.#key, 'content-type': 'application/json', ...init.headers },
    });
    return { status: response.status, body: (await response.json()) as T };
  }

  /** Registers the diabetes model as windowed v1 and promotes it. */
  async registerModel(): Promise<void> {
    const card = { name: 'windowed', version: 1, features, outputs: ['variable'], task: 'regression' };
    const onnxBase64 = readFileSync('models/diabetes/model.onnx').toString('base64');
    const registered = await this.api<{ version: number }>('models/windowed/versions', {
      method: 'POST',
      body: JSON.stringify({ card, onnxBase64 }),
    });
    if (registered.status !== 201) throw new Error(`Registering the model: ${registered.status}`);
    const promoted = await this.api('models/windowed/stage', {
      method: 'POST',
      body: JSON.stringify({ version: registered.body.version, stage: 'Production', reason: 'crash test' }),
    });
    if (promoted.status !== 200) throw new Error(`Promoting the model: ${promoted.status}`);
  }

  /** Waits until the stream counted every reading sent (landed, each once). */
  async landed(): Promise<void> {
    await this.#until(`${this.sent.length} events in`, async () => {
      const { body } = await this.api<{ eventsIn: number }>('streams/sensors');
      return body.eventsIn >= this.sent.length ? true : undefined;
    });
  }

  async windows(): Promise<WindowRow[]> {
    return (await this.api<{ windows: WindowRow[] }>('streams/sensors/windows')).body.windows;
  }

  /** Waits for window k to be done (Committed or Failed) and returns its row. */
  committed(k: number): Promise<WindowRow> {
    return this.#until(`window ${windowIso(k)} done`, async () => {
      const row = (await this.windows()).find((candidate) => candidate.windowStart === windowIso(k));
      return row && ['Committed', 'Failed'].includes(row.state) ? row : undefined;
    });
  }

  async readText(name: string): Promise<string> {
    return (
      await this.storage.container(this.names.output).getBlobClient(name).downloadToBuffer()
    ).toString();
  }

  /** Resolves once at least `count` landing blobs of window k exist. */
  async landings(k: number, count: number): Promise<void> {
    const prefix = `sensors/_landing/${String(base + k * windowMs).padStart(15, '0')}/`;
    const deadline = Date.now() + 30_000;
    while ((await this.listNames(prefix)).length < count) {
      if (Date.now() > deadline) throw new Error(`Fewer than ${count} landings of window ${windowIso(k)}.`);
      await sleep(10);
    }
  }

  async listNames(prefix: string): Promise<string[]> {
    const names: string[] = [];
    for await (const blob of this.storage.container(this.names.output).listBlobsFlat({ prefix }))
      names.push(blob.name);
    return names;
  }

  async dispose(): Promise<void> {
    await this.#host?.stop();
    await this.tap.stop();
  }

  async #until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 45_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline)
        throw new Error(`Timed out waiting for ${what}.\n${this.host.output().slice(-4000)}`);
      await sleep(200);
    }
  }
}
