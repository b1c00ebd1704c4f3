import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { AzuritePorts } from '../storage/StorageConnection';
import { HostConfigurationError } from '../errors';

export interface AzuriteOptions {
  ports: AzuritePorts;
  /** Folder for Azurite's data; omit for in-memory storage. */
  location?: string;
  startTimeoutMs?: number;
  /** Extra Node.js flags for Azurite's process (e.g. `--cpu-prof` to see where its CPU goes). */
  nodeArgs?: readonly string[];
}

export interface RunningAzurite {
  readonly ports: AzuritePorts;
  /** Stops Azurite (it closes its databases first); `forced` when it had to be killed after 5 s. */
  stop(): Promise<{ forced: boolean }>;
}

// Azurite runs inside a small launcher that exits when its stdin closes, which happens when this
// process ends for any reason (even SIGKILL): no Azurite is left holding the ports.
const exitWithParent = [
  "process.stdin.on('end', () => process.exit(0));",
  "process.stdin.on('error', () => process.exit(0));",
  'process.stdin.resume();',
  // On SIGTERM/SIGINT Azurite closes its servers and databases; stdin must not keep the process alive then.
  "for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => process.stdin.destroy());",
  // Azurite parses argv as [node, script, ...options]; here argv is [node, azuriteMain, ...options].
  'require(process.argv[1]);',
].join(' ');

/** Starts Azurite as a child process on loopback (no telemetry) and waits until all three services listen. */
export async function startAzurite(options: AzuriteOptions): Promise<RunningAzurite> {
  const { ports } = options;
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
    exitWithParent,
    '--',
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
  if (options.location) {
    mkdirSync(options.location, { recursive: true });
    args.push('--location', path.resolve(options.location));
  } else {
    args.push('--inMemoryPersistence');
  }
  // Its own process group: a Ctrl+C in the terminal reaches the host, which stops Azurite last (after
  // the app's last storage calls), instead of Azurite closing under the host's feet.
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
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
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
