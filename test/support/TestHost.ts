import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { uniqueName } from './testStorage';

const repoRoot = path.resolve(__dirname, '..', '..');
const cli = path.join(repoRoot, 'bin', 'durable-scoring.js');

export interface TestHostOptions {
  /** Extra app settings, as environment variables (they override local.settings.json). */
  settings?: Record<string, string>;
  /** Reuse a host id (to restart "the same" host); a fresh one isolates the test. */
  hostId?: string;
  startTimeoutMs?: number;
  /** `host` (the default) serves the app; `start` also runs the demo, as `npm start` does. */
  command?: 'host' | 'start';
}

/**
 * The real embedded host in a child process (`durable-scoring host <app> --port 0`) on the test run's
 * Azurite, driven only through HTTP and storage, as a user would.
 */
export class TestHost {
  readonly #lines: string[] = [];
  readonly #waiters = new Set<() => void>();
  readonly #exit: Promise<number | null>;
  #baseUrl = '';

  private constructor(
    private readonly child: ChildProcess,
    readonly hostId: string,
  ) {
    this.#exit = new Promise((resolve) =>
      child.once('close', (code) => {
        resolve(code);
        for (const waiter of [...this.#waiters]) waiter();
      }),
    );
  }

  /** e.g. http://127.0.0.1:40123 */
  get baseUrl(): string {
    return this.#baseUrl;
  }

  static async start(appDir: string, options: TestHostOptions = {}): Promise<TestHost> {
    const host = TestHost.spawn(appDir, options);
    try {
      const ready = await host.waitForLog(/Host ready at (http:\/\/\S+)/, options.startTimeoutMs ?? 20_000);
      host.#baseUrl = ready[1] ?? '';
      return host;
    } catch (error) {
      await host.kill();
      throw error;
    }
  }

  /** Starts a host that is expected to refuse to start; resolves with its exit code and output. */
  static async startExpectingFailure(
    appDir: string,
    options: TestHostOptions = {},
  ): Promise<{ code: number | null; output: string }> {
    const host = TestHost.spawn(appDir, options);
    const code = await host.#exit;
    return { code, output: host.output() };
  }

  private static spawn(appDir: string, options: TestHostOptions): TestHost {
    const hostId = options.hostId ?? uniqueName('test');
    const args = [cli, options.command ?? 'host', path.resolve(repoRoot, appDir), '--port', '0'];
    const child = spawn(process.execPath, args, {
      env: {
        ...process.env,
        AzureWebJobsStorage: process.env.TEST_STORAGE_CONNECTION,
        AzureFunctionsWebHost__hostid: hostId,
        // Hosts run side by side in tests: each Event Hubs endpoint on a free port.
        DurableScoring__EventHubs__Port: '0',
        ...options.settings,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const host = new TestHost(child, hostId);
    const onData = (chunk: Buffer) => host.#append(chunk.toString());
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    return host;
  }

  /** The host process's id (for what only the operating system shows, e.g. its environment). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Whether the host process is still there (not exited, not killed). */
  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Everything the host printed so far. */
  output(): string {
    return this.#lines.join('');
  }

  /** Waits for a line of output matching the pattern; fails with the output so far. */
  waitForLog(pattern: RegExp, timeoutMs = 10_000): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const match = this.output().match(pattern);
        if (match) {
          finish();
          resolve(match);
        } else if (this.child.exitCode !== null) {
          finish();
          reject(
            new Error(`Host exited (${this.child.exitCode}) before ${pattern}. Output:\n${this.output()}`),
          );
        }
      };
      const timer = setTimeout(() => {
        finish();
        reject(
          new Error(`Timed out after ${timeoutMs} ms waiting for ${pattern}. Output:\n${this.output()}`),
        );
      }, timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        this.#waiters.delete(check);
      };
      this.#waiters.add(check);
      check();
    });
  }

  /** Counts the output lines matching the pattern. */
  count(pattern: RegExp): number {
    return this.output()
      .split('\n')
      .filter((line) => pattern.test(line)).length;
  }

  fetch(pathAndQuery: string, init?: RequestInit): Promise<Response> {
    return fetch(this.baseUrl + pathAndQuery, init);
  }

  /** Stops the host as Ctrl+C does and waits for it to exit. */
  async stop(): Promise<number | null> {
    if (this.child.exitCode === null) this.child.kill('SIGINT');
    return this.#exit;
  }

  /** Kills the host at once (SIGKILL), as a crash would. */
  async kill(): Promise<void> {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
    await this.#exit;
  }

  #append(text: string): void {
    this.#lines.push(text);
    for (const waiter of [...this.#waiters]) waiter();
  }
}
