import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { HostConfigurationError } from '../errors';

/**
 * The file a running Azurite keeps in its data folder: `{ pid, hostPid }`, written by its launcher
 * when it starts and removed when it exits (a hard kill of Azurite leaves it behind, naming a dead pid).
 */
export const azuriteLockFileName = 'azurite.lock';

export interface AzuriteLockHolder {
  /** Azurite's process. */
  readonly pid: number;
  /** The process that started it (a host or a CLI command). */
  readonly hostPid: number;
}

export interface WaitForEarlierAzuriteOptions {
  /** How long a shutting-down Azurite may take to save its databases; 30 s unless given. */
  timeoutMs?: number;
  /** Told once when there is something to wait for. */
  onWait?: (message: string) => void;
}

const pollMs = 100;

/**
 * Returns once no Azurite runs on this data folder. An Azurite whose host is gone is saving its data
 * and exits on its own (its launcher stops it as a signal would): wait for it, bounded, rather than
 * start a second Azurite on the same files and ports. One whose host still runs is refused at once.
 */
export async function waitForEarlierAzurite(
  location: string,
  options: WaitForEarlierAzuriteOptions = {},
): Promise<void> {
  const lockFile = path.join(location, azuriteLockFileName);
  const holder = readLock(lockFile);
  if (!holder || !isAzuriteRunning(holder.pid)) return;
  if (isProcessRunning(holder.hostPid)) {
    throw new HostConfigurationError(
      `The Azurite data in ${location} is in use by Azurite (pid ${holder.pid}) of another running process (pid ${holder.hostPid}), probably a host of this app. Stop that host first: two Azurites must not share a data folder.`,
    );
  }
  const timeoutMs = options.timeoutMs ?? 30_000;
  options.onWait?.(
    `Waiting for the Azurite of a previous host (pid ${holder.pid}) to save ${location} and exit...`,
  );
  const deadline = Date.now() + timeoutMs;
  while (isAzuriteRunning(holder.pid)) {
    if (Date.now() >= deadline) {
      throw new HostConfigurationError(
        `The Azurite of a previous host (pid ${holder.pid}) still runs on ${location} after ${timeoutMs / 1000} s. Wait for it to finish saving, or stop it (kill ${holder.pid}; its last few seconds of writes may then be lost), and start again.`,
      );
    }
    await sleep(pollMs);
  }
}

function readLock(lockFile: string): AzuriteLockHolder | undefined {
  let text: string;
  try {
    text = readFileSync(lockFile, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = JSON.parse(text) as Partial<AzuriteLockHolder>;
    if (Number.isInteger(parsed.pid) && Number.isInteger(parsed.hostPid)) return parsed as AzuriteLockHolder;
  } catch {
    // A lock cut short by a crash while it was written: nobody can be holding it.
  }
  return undefined;
}

/** Whether the process runs and, where /proc tells, is an Azurite (a recycled pid is not). */
function isAzuriteRunning(pid: number): boolean {
  if (!isProcessRunning(pid)) return false;
  const commandLine = readProc(pid, 'cmdline');
  return commandLine === undefined || commandLine.includes('azurite');
}

function isProcessRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  // An exited child that nobody has reaped yet still answers signal 0 on Linux.
  const stat = readProc(pid, 'stat');
  return stat === undefined || !/^\d+ \(.*\) Z/.test(stat);
}

function readProc(pid: number, file: 'cmdline' | 'stat'): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return undefined;
  }
}
