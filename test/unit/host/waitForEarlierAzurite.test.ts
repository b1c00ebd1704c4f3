import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { azuriteLockFileName, waitForEarlierAzurite } from '../../../src/host/azurite/AzuriteDataLock';

/** A process that lives a while; `azurite` puts the word in its command line, as Azurite's has. */
function sleeper(lifetimeMs: number, azurite = true): ChildProcess {
  const args = ['-e', `setTimeout(() => {}, ${lifetimeMs})`, ...(azurite ? ['azurite'] : [])];
  return spawn(process.execPath, args, { stdio: 'ignore' });
}

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

describe('waitForEarlierAzurite (the data folder lock of the host-started Azurite)', () => {
  let folder: string;
  const children: ChildProcess[] = [];
  beforeEach(() => (folder = fs.mkdtempSync(path.join(os.tmpdir(), 'azurite-lock-'))));
  afterEach(() => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
    fs.rmSync(folder, { recursive: true, force: true });
  });
  const lock = (pid: number, hostPid: number) =>
    fs.writeFileSync(path.join(folder, azuriteLockFileName), JSON.stringify({ pid, hostPid }));

  test('waits for the Azurite of a host that is gone to exit, and says so', async () => {
    const azurite = sleeper(1000);
    children.push(azurite);
    lock(azurite.pid!, await deadPid());
    const messages: string[] = [];
    const started = Date.now();
    await waitForEarlierAzurite(folder, { onWait: (message) => messages.push(message) });
    expect({ exited: azurite.exitCode !== null || azurite.signalCode !== null, messages }).toEqual({
      exited: true,
      messages: [
        `Waiting for the Azurite of a previous host (pid ${azurite.pid}) to save ${folder} and exit...`,
      ],
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
  });

  test('gives up after the timeout, naming the process and how to go on', async () => {
    const azurite = sleeper(30_000);
    children.push(azurite);
    lock(azurite.pid!, await deadPid());
    await expect(waitForEarlierAzurite(folder, { timeoutMs: 300 })).rejects.toThrow(
      `The Azurite of a previous host (pid ${azurite.pid}) still runs on ${folder} after 0.3 s. Wait for it to finish saving, or stop it (kill ${azurite.pid}; its last few seconds of writes may then be lost), and start again.`,
    );
  });

  test('refuses at once when the host that started it still runs', async () => {
    const azurite = sleeper(30_000);
    children.push(azurite);
    lock(azurite.pid!, process.pid);
    await expect(waitForEarlierAzurite(folder, { timeoutMs: 60_000 })).rejects.toThrow(
      `The Azurite data in ${folder} is in use by Azurite (pid ${azurite.pid}) of another running process (pid ${process.pid})`,
    );
  });

  test.each([
    ['no lock file', () => Promise.resolve()],
    ['a lock left by an Azurite that was killed', async () => lock(await deadPid(), await deadPid())],
    [
      'a lock whose pid now belongs to another program',
      async () => {
        const other = sleeper(30_000, false);
        children.push(other);
        lock(other.pid!, await deadPid());
      },
    ],
    [
      'a lock cut short',
      () => Promise.resolve(fs.writeFileSync(path.join(folder, azuriteLockFileName), '{"pid": 12')),
    ],
  ])('returns at once with %s', async (_label, arrange) => {
    await arrange();
    const started = Date.now();
    await waitForEarlierAzurite(folder, { timeoutMs: 5_000 });
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
