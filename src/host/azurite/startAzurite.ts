import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { AzuritePorts } from '../storage/StorageConnection';
import { HostConfigurationError } from '../errors';
import { azuriteLockFileName, waitForEarlierAzurite } from './AzuriteDataLock';

export interface AzuriteOptions {
  ports: AzuritePorts;
  /** Folder for Azurite's data; omit for in-memory storage. */
  location?: string;
  startTimeoutMs?: number;
  /** Extra Node.js flags for Azurite's process (e.g. `--cpu-prof` to see where its CPU goes). */
  nodeArgs?: readonly string[];
  /** Told when start-up waits for the Azurite of a previous host to finish saving `location`. */
  onWait?: (message: string) => void;
  /** Serve HTTPS with this PEM certificate and key (files), as identity-based connections need. */
  https?: { cert: string; key: string };
  /** `basic`: also accept OAuth bearer tokens (checked for shape, audience, issuer and lifetime only). */
  oauth?: 'basic';
  /** Its accounts instead of the development account: `name:base64key;name2:base64key` (AZURITE_ACCOUNTS). */
  accounts?: string;
}

export interface RunningAzurite {
  readonly ports: AzuritePorts;
  /** Stops Azurite (it closes its databases first); `forced` when it had to be killed after 5 s. */
  stop(): Promise<{ forced: boolean }>;
}

// Azurite runs inside a small launcher. When this process ends for any reason (even SIGKILL) the
// launcher's stdin closes, and it stops Azurite as SIGTERM does: Azurite closes its servers and saves
// its databases (kept in memory and otherwise saved only every 5 s), then exits. Exiting at once
// instead would drop the writes of those last seconds, although they were acknowledged.
// The launcher also keeps the data folder's lock file (see AzuriteDataLock) while Azurite runs.
const launcher = `
const fs = require('node:fs');
const lockFile = process.argv.splice(1, 1)[0];
if (lockFile) {
  fs.writeFileSync(lockFile, JSON.stringify({ pid: process.pid, hostPid: process.ppid }));
  process.on('exit', () => {
    try {
      if (JSON.parse(fs.readFileSync(lockFile, 'utf8')).pid === process.pid) fs.unlinkSync(lockFile);
    } catch {}
  });
}
// With the host gone nobody reads Azurite's output: a write must not crash it while it saves.
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});
let stopping = false;
const onStopSignal = () => {
  stopping = true;
  process.stdin.destroy();
};
const stopAzurite = () => {
  if (stopping) return;
  stopping = true;
  const signalWhenHandled = () => {
    // Azurite handles SIGTERM once its servers listen; until then, wait (a failed start exits anyway).
    if (process.listeners('SIGTERM').some((listener) => listener !== onStopSignal)) process.kill(process.pid, 'SIGTERM');
    else setTimeout(signalWhenHandled, 100).unref();
  };
  signalWhenHandled();
};
process.stdin.on('end', stopAzurite);
process.stdin.on('error', stopAzurite);
process.stdin.resume();
// On SIGTERM/SIGINT Azurite closes its servers and databases; stdin must not keep the process alive then.
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, onStopSignal);
// Azurite parses argv as [node, script, ...options]; here argv is now [node, azuriteMain, ...options].
require(process.argv[1]);
`;

/** Starts Azurite as a child process on loopback (no telemetry) and waits until all three services listen. */
export async function startAzurite(options: AzuriteOptions): Promise<RunningAzurite> {
  const { ports } = options;
  const location = options.location === undefined ? undefined : path.resolve(options.location);
  if (location) {
    mkdirSync(location, { recursive: true });
    await waitForEarlierAzurite(location, { onWait: options.onWait });
  }
  for (const [service, port] of Object.entries(ports) as [string, number][]) {
    if (!(await isPortFree(port))) {
      throw new HostConfigurationError(
        `Port ${port} (Azurite ${service}) is already in use. Stop whatever listens there (another Azurite?), or point AzureWebJobsStorage at that storage with a full connection string so the host does not start its own.`,
      );
    }
  }
  const args = [
    ...(options.nodeArgs ?? []),
    '-e',
    launcher,
    '--',
    location ? path.join(location, azuriteLockFileName) : '',
    require.resolve('azurite/dist/src/azurite.js'),
    '--silent',
    '--disableTelemetry',
    '--skipApiVersionCheck',
    '--blobHost',
    '127.0.0.1',
    '--blobPort',
    String(ports.blob),
    '--queueHost',
    '127.0.0.1',
    '--queuePort',
    String(ports.queue),
    '--tableHost',
    '127.0.0.1',
    '--tablePort',
    String(ports.table),
  ];
  if (options.https) args.push('--cert', options.https.cert, '--key', options.https.key);
  if (options.oauth) args.push('--oauth', options.oauth);
  if (location) {
    args.push('--location', location);
  } else {
    args.push('--inMemoryPersistence');
  }
  // Its own process group: a Ctrl+C in the terminal reaches the host, which stops Azurite last (after
  // the app's last storage calls), instead of Azurite closing under the host's feet.
  const env =
    options.accounts === undefined ? process.env : { ...process.env, AZURITE_ACCOUNTS: options.accounts };
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'], detached: true, env });
  await waitUntilListening(child, options.startTimeoutMs ?? 30_000);
  return { ports, stop: () => stopChild(child) };
}

function waitUntilListening(child: ChildProcess, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const listening = new Set<string>();
    const timer = setTimeout(() => fail(`Azurite did not start within ${timeoutMs} ms.`), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      for (const service of ['Blob', 'Queue', 'Table']) {
        if (output.includes(`Azurite ${service} service is successfully listening`)) listening.add(service);
      }
      if (listening.size === 3) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        child.stderr?.resume();
        resolve();
      }
    };
    const fail = (message: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new HostConfigurationError(`${message}\n${output.trim()}`));
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => fail(`Azurite exited during start-up (code ${code}).`));
  });
}

async function stopChild(child: ChildProcess): Promise<{ forced: boolean }> {
  if (child.exitCode !== null || child.signalCode !== null) return { forced: false };
  return new Promise((resolve) => {
    let forced = false;
    const timer = setTimeout(() => {
      forced = true;
      child.kill('SIGKILL');
    }, 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve({ forced });
    });
    child.kill('SIGTERM');
  });
}

export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/** Asks the OS for a free loopback port. */
export async function findFreePort(): Promise<number> {
  const [port] = await findFreePorts(1);
  return port!;
}

/**
 * Asks the OS for `count` different free loopback ports. Every listener stays open until all are
 * bound: asked one at a time, the OS may hand out a port it has just released again.
 */
export async function findFreePorts(count: number): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) {
      const server = net.createServer();
      servers.push(server);
      ports.push(await listenOnAnyPort(server));
    }
    return ports;
  } finally {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  }
}

/** Free ports for Azurite's blob, queue and table services, all different. */
export async function findFreeAzuritePorts(): Promise<AzuritePorts> {
  const [blob, queue, table] = await findFreePorts(3);
  return { blob: blob!, queue: queue!, table: table! };
}

function listenOnAnyPort(server: net.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });
}
