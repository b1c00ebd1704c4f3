import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { findFreeAzuritePorts, startAzurite, type RunningAzurite } from '../../src/host/azurite/startAzurite';
import { TestHost } from '../support/TestHost';

// The app and the host with identity settings only: no connection string and no account key anywhere
// in their environment. Azurite serves HTTPS (a certificate made here) and accepts OAuth bearer tokens
// (`--oauth basic`); its two accounts have random keys that only Azurite knows. The runtime state
// (keys, receipts, task hub) and the app's data (jobs, registry, inputs, outputs) are separate accounts.

const repoRoot = path.resolve(__dirname, '..', '..');
const cli = path.join(repoRoot, 'bin', 'durable-scoring.js');
const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'identity-'));
const certFile = path.join(folder, 'cert.pem');
const runtimeAccount = 'runtimestate';
const dataAccount = 'userdata';

let azurite: RunningAzurite;
let host: TestHost;
let settings: Record<string, string>;

/** Identity settings for one account on the test's Azurite: a URI per service, the test credential. */
function identity(prefix: string, account: string): Record<string, string> {
  const { blob, queue, table } = azurite.ports;
  return {
    [`${prefix}__blobServiceUri`]: `https://127.0.0.1:${blob}/${account}`,
    [`${prefix}__queueServiceUri`]: `https://127.0.0.1:${queue}/${account}`,
    [`${prefix}__tableServiceUri`]: `https://127.0.0.1:${table}/${account}`,
    [`${prefix}__credential`]: 'azuriteTestToken',
  };
}

/** A request to the test's Azurite, with or without a bearer token; answers the status and body. */
function azuriteRequest(url: string, token?: string): Promise<{ status: number; body: string }> {
  const headers: Record<string, string> = {
    'x-ms-version': '2021-12-02',
    accept: 'application/json;odata=nometadata',
  };
  if (token) headers.authorization = `Bearer ${token}`;
  return new Promise((resolve, reject) => {
    const request = https.get(url, { ca: fs.readFileSync(certFile), headers }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', reject);
  });
}

/** A token shaped as Azurite's basic OAuth check wants it (it checks no signature). */
function unsignedToken(claims: Record<string, unknown>): string {
  const now = Math.floor(Date.now() / 1000);
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const body = {
    aud: 'https://storage.azure.com',
    iss: 'https://sts.windows.net/00000000-0000-0000-0000-000000000000/',
    iat: now,
    nbf: now - 60,
    exp: now + 600,
    ...claims,
  };
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(body)}.unsigned`;
}

const containersOf = async (account: string) => {
  const listed = await azuriteRequest(
    `https://127.0.0.1:${azurite.ports.blob}/${account}?comp=list`,
    unsignedToken({}),
  );
  return [...listed.body.matchAll(/<Name>([^<]+)<\/Name>/g)].map((match) => match[1]);
};

const tablesOf = async (account: string) => {
  const listed = await azuriteRequest(
    `https://127.0.0.1:${azurite.ports.table}/${account}/Tables`,
    unsignedToken({}),
  );
  expect(listed.status).toBe(200);
  return (JSON.parse(listed.body) as { value: { TableName: string }[] }).value.map(
    (table) => table.TableName,
  );
};

beforeAll(async () => {
  execFileSync(
    'openssl',
    [
      ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1'],
      ...['-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'],
      ...['-keyout', path.join(folder, 'key.pem'), '-out', certFile],
    ],
    { stdio: 'ignore' },
  );
  const key = () => randomBytes(64).toString('base64');
  azurite = await startAzurite({
    ports: await findFreeAzuritePorts(),
    https: { cert: certFile, key: path.join(folder, 'key.pem') },
    oauth: 'basic',
    accounts: `${runtimeAccount}:${key()};${dataAccount}:${key()}`,
  });
  settings = {
    // No connection string: the empty settings hide local.settings.json's and the test run's.
    AzureWebJobsStorage: '',
    TEST_STORAGE_CONNECTION: '',
    ...identity('AzureWebJobsStorage', runtimeAccount),
    ...identity('DATA_STORAGE', dataAccount),
    NODE_EXTRA_CA_CERTS: certFile,
  };
  host = await TestHost.start('.', { command: 'start', settings, startTimeoutMs: 40_000 });
}, 60_000);

afterAll(async () => {
  await host?.stop();
  await azurite?.stop();
  fs.rmSync(folder, { recursive: true, force: true });
});

it('gives the host and the app no connection string and no key', () => {
  // The running host's own environment, as the operating system holds it (the app runs in it).
  const environment = fs
    .readFileSync(`/proc/${host.pid}/environ`, 'utf8')
    .split('\0')
    .filter((entry) => entry.includes('='));
  expect(environment.some((entry) => entry.startsWith('AzureWebJobsStorage__'))).toBe(true);
  const withKeys = environment.filter((entry) => /AccountKey=|UseDevelopmentStorage/i.test(entry));
  expect(withKeys.map((entry) => entry.split('=')[0])).toEqual([]);
});

it('Azurite refuses requests without a token, and tokens for another audience', async () => {
  const list = `https://127.0.0.1:${azurite.ports.blob}/${dataAccount}?comp=list`;
  expect((await azuriteRequest(list)).status).toBe(403);
  const wrongAudience = await azuriteRequest(list, unsignedToken({ aud: 'https://vault.azure.net' }));
  expect(wrongAudience.status).toBe(403);
  expect(wrongAudience.body).toContain('Invalid token audience');
});

it('scores a dropped blob end to end: blob trigger, task hub, queues, tables, outputs', async () => {
  // `start` drops data/diabetes.csv into the input container (DATA_STORAGE) and follows the job.
  await host.waitForLog(/Demo: job \S+ Succeeded: 442 rows scored, 0 bad/, 60_000);
  // Runtime state in the runtime account, the app's data in the data account.
  const runtime = await containersOf(runtimeAccount);
  const data = await containersOf(dataAccount);
  expect(runtime).toEqual(expect.arrayContaining(['azure-webjobs-hosts', 'azure-webjobs-secrets']));
  expect(runtime).not.toContain('output');
  expect(data).toEqual(expect.arrayContaining(['input', 'output']));
  expect(data).not.toContain('azure-webjobs-secrets');
  const dataTables = await tablesOf(dataAccount);
  const runtimeTables = await tablesOf(runtimeAccount);
  expect(dataTables).toContain('jobs');
  expect(dataTables.some((name) => name.endsWith('Instances'))).toBe(false);
  expect(runtimeTables.some((name) => name.endsWith('Instances'))).toBe(true);
  expect(runtimeTables).not.toContain('jobs');
}, 70_000);

it('the CLI reads the keys and the data through the same settings', async () => {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [cli, 'score', 'data/diabetes.csv', '.', '--model', 'diabetes', '--url', host.baseUrl, '--json'],
    {
      cwd: repoRoot,
      env: { ...process.env, ...settings, AzureFunctionsWebHost__hostid: host.hostId },
      timeout: 60_000,
    },
  );
  const manifest = JSON.parse(stdout) as { status: string; rows: { scored: number } };
  expect(manifest).toMatchObject({ status: 'Succeeded', rows: { scored: 442, bad: 0 } });
}, 70_000);

it.each([
  ['AzureWebJobsStorage__queueServiceUri', 'Durable Functions (the task hub)'],
  ['DATA_STORAGE__queueServiceUri', "Function 'scoreDroppedBlob' (blob trigger"],
])(
  'refuses to start without %s, naming it and its user',
  async (setting, user) => {
    const { code, output } = await TestHost.startExpectingFailure('.', {
      settings: { ...settings, [setting]: '' },
    });
    expect(code).not.toBe(0);
    expect(output).toContain(`"${setting}"`);
    expect(output).toContain(user);
  },
  30_000,
);
