import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findFreeAzuritePorts } from '../../src/host/azurite/startAzurite';
import { secretsContainer } from '../../src/host/keys/KeyStore';
import {
  azuriteConnectionString,
  developmentAccountKey,
  StorageConnection,
} from '../../src/host/storage/StorageConnection';
import { TestHost } from '../support/TestHost';
import type { CliRun } from '../support/scoringHarness';
import { hostSecrets } from '../support/testStorage';

// `npm start` on a fresh copy of the project (its own .azurite/ on free ports), then the calls a user
// makes: keyed HTTP calls, a job over HTTP, a wrong key, an oversized body, the registry, the CLI. No
// key may show in anything the host or the CLI printed, nor in what the app wrote to storage.

const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'no-secrets-'));
for (const entry of ['host.json', 'package.json', 'local.settings.json', 'dist', 'models', 'data'])
  fs.symlinkSync(path.resolve(entry), path.join(folder, entry));
const wrongKey = 'wrong-key-8d2f0c4e9b7a4f31a6e5';
const credential = /(?:SharedAccessKey|AccountKey|sig)=[^;&\s"'\\]+/gi;

interface Secret {
  name: string;
  value: string;
}

let host: TestHost;
let storage: StorageConnection;
let env: Record<string, string>;
let jobId = '';
const printed: { label: string; text: string }[] = [];

beforeAll(async () => {
  const ports = await findFreeAzuritePorts();
  env = {
    AzureWebJobsStorage: 'UseDevelopmentStorage=true',
    DurableScoring__AzuritePorts: `${ports.blob},${ports.queue},${ports.table}`,
    FUNCTIONS_REQUEST_BODY_SIZE_LIMIT: '65536',
  };
  storage = new StorageConnection(azuriteConnectionString(ports));
  host = await TestHost.start(folder, { command: 'start', settings: env, startTimeoutMs: 40_000 });
  env.AzureFunctionsWebHost__hostid = host.hostId;
  await host.waitForLog(/Demo: job \S+ Succeeded: 442 rows scored/, 60_000);
}, 90_000);

afterAll(async () => {
  await host?.stop();
  fs.rmSync(folder, { recursive: true, force: true });
});

it('answers keyed calls, a job over HTTP, wrong keys and an oversized body', async () => {
  const { master, hostDefault, systemKey } = await hostKeys();
  const call = (route: string, init: RequestInit = {}) => host.fetch(route, init);
  const keyed = { headers: { 'x-functions-key': hostDefault } };
  const started = await call(`/api/jobs?code=${master}`, {
    method: 'POST',
    body: JSON.stringify({ input: { blob: 'diabetes.csv' }, model: 'diabetes' }),
  });
  expect(started.status).toBe(202);
  jobId = ((await started.json()) as { id: string }).id;
  expect(await waitForJob(jobId, hostDefault)).toBe('Succeeded');
  expect((await call('/api/models', keyed)).status).toBe(200);
  expect((await call(`/api/models/diabetes?code=${hostDefault}`)).status).toBe(200);
  expect((await call(`/runtime/webhooks/durabletask/instances?code=${systemKey}`)).status).toBe(200);
  expect((await call('/api/jobs', { headers: { 'x-functions-key': wrongKey } })).status).toBe(401);
  expect((await call(`/api/jobs?code=${wrongKey}`)).status).toBe(401);
  const oversized = await call(`/api/jobs?code=${master}`, { method: 'POST', body: 'x'.repeat(100_000) });
  expect(oversized.status).toBe(413);
});

it('runs the CLI against it: score a file with a bad row, jobs, models', async () => {
  const lines = fs.readFileSync(path.join(folder, 'data', 'diabetes.csv'), 'utf8').split('\n');
  const badRow = lines[4]!.replace(/^[^,]+/, 'not-a-number');
  fs.writeFileSync(path.join(folder, 'bad-rows.csv'), [...lines.slice(0, 4), badRow, ''].join('\n'));
  for (const args of [
    ['score', 'bad-rows.csv', '.', '--model', 'diabetes'],
    ['jobs', 'list'],
    ['jobs', 'show', jobId],
    ['models', 'list'],
    ['models', 'show', 'diabetes'],
  ]) {
    const run = await cli(args);
    printed.push({ label: `durable-scoring ${args[0]} ${args[1]}`, text: run.stdout + run.stderr });
    expect(run).toMatchObject({ code: 0 });
  }
  expect(printed[0]?.text).toMatch(/rows +3 scored, 1 bad, of 4/);
});

it('shows no key in what the host and the CLI printed, nor in what was stored', async () => {
  const keys = await hostKeys();
  const stored = await storedText();
  expect(await host.stop()).toBe(0);
  printed.push({ label: 'npm start (host and demo)', text: host.output() });
  const secrets = [
    { name: "Azurite's well-known account key", value: developmentAccountKey },
    ...connectionKeys(),
    ...keys.all,
    { name: 'a wrong key a caller sent', value: wrongKey },
  ];
  expect(keys.all.map((key) => key.name)).toEqual(
    expect.arrayContaining([expect.stringMatching(/"master"/), expect.stringMatching(/getjob\.json/)]),
  );
  expect(stored.some((entry) => entry.label.endsWith('/_errors.jsonl'))).toBe(true);
  expect(leaks([...printed, ...stored], secrets)).toEqual([]);
});

/** Where a secret (or any credential-looking `Name=value`) shows: `label: what`, never the value. */
function leaks(texts: { label: string; text: string }[], secrets: Secret[]): string[] {
  return texts.flatMap(({ label, text }) => [
    ...secrets.flatMap((secret) => (text.includes(secret.value) ? [`${label}: ${secret.name}`] : [])),
    ...[...text.matchAll(credential)].map((match) => `${label}: ${match[0].split('=')[0]}=`),
  ]);
}

/** The account key of the connection string in use (the host's and the CLI's). */
function connectionKeys(): Secret[] {
  return [...(storage.connectionString ?? '').matchAll(/AccountKey=([^;]+)/g)].map((match) => ({
    name: 'the account key of AzureWebJobsStorage',
    value: match[1]!,
  }));
}

/** Every key the host keeps (`azure-webjobs-secrets/<hostId>/*.json`), as `durable-scoring keys` reads them. */
async function hostKeys(): Promise<{
  master: string;
  hostDefault: string;
  systemKey: string;
  all: Secret[];
}> {
  const secrets = await hostSecrets(host.hostId, storage);
  const container = storage.blobs.getContainerClient(secretsContainer);
  const all: Secret[] = [];
  for await (const blob of container.listBlobsFlat({ prefix: `${host.hostId}/` })) {
    const json: unknown = JSON.parse(
      (await container.getBlobClient(blob.name).downloadToBuffer()).toString(),
    );
    all.push(...keysIn(json).map((key) => ({ name: `key "${key.name}" of ${blob.name}`, value: key.value })));
  }
  const hostDefault = secrets.functionKeys.find((key) => key.name === 'default')?.value ?? '';
  const systemKey = secrets.systemKeys.find((key) => key.name === 'durabletask_extension')?.value ?? '';
  return { master: secrets.masterKey.value, hostDefault, systemKey, all };
}

/** Every key entry (`{ name, value }`) in a secrets file. */
function keysIn(json: unknown): Secret[] {
  if (Array.isArray(json)) return json.flatMap(keysIn);
  if (!json || typeof json !== 'object') return [];
  const { name, value } = json as Partial<Secret>;
  return typeof value === 'string' ? [{ name: name ?? '?', value }] : Object.values(json).flatMap(keysIn);
}

/** Every blob (but the key store's), table row and queued message in the host's Azurite, as text. */
async function storedText(): Promise<{ label: string; text: string }[]> {
  const texts: { label: string; text: string }[] = [];
  for await (const { name } of storage.blobs.listContainers()) {
    if (name === secretsContainer) continue;
    const container = storage.blobs.getContainerClient(name);
    for await (const blob of container.listBlobsFlat({ includeMetadata: true })) {
      const bytes = await container.getBlobClient(blob.name).downloadToBuffer();
      texts.push({ label: `${name}/${blob.name}`, text: bytes.toString() + JSON.stringify(blob.metadata) });
    }
  }
  for await (const { name } of storage.tableService.listTables()) {
    for await (const row of storage.table(name!).listEntities())
      texts.push({ label: `table ${name}`, text: JSON.stringify(row) });
  }
  for await (const { name } of storage.queues.listQueues()) {
    const { peekedMessageItems } = await storage.queues
      .getQueueClient(name)
      .peekMessages({ numberOfMessages: 32 });
    for (const message of peekedMessageItems)
      texts.push({ label: `queue ${name}`, text: message.messageText });
  }
  return texts;
}

async function waitForJob(id: string, key: string): Promise<string> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const response = await host.fetch(`/api/jobs/${id}`, { headers: { 'x-functions-key': key } });
    const { status } = (await response.json()) as { status: string };
    if (['Succeeded', 'Failed', 'Canceled'].includes(status) || Date.now() > deadline) return status;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function cli(args: string[]): Promise<CliRun> {
  const cliPath = path.resolve('bin/durable-scoring.js');
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cliPath, ...args, '--url', host.baseUrl],
      { cwd: folder, env: { ...process.env, ...env } },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}
