import path from 'node:path';
import type { TestHost } from './TestHost';
import { hostSecrets } from './testStorage';

const repoRoot = path.resolve(__dirname, '..', '..');

/**
 * What every answer of a host fed hostile input must hold: no stack frame, no server folder, no
 * secret (the host's keys, the storage account key); and the host still answers its health check
 * quickly.
 */
export class CorpusChecks {
  private constructor(
    private readonly host: TestHost,
    private readonly secrets: readonly string[],
  ) {}

  static async of(host: TestHost): Promise<CorpusChecks> {
    const keys = await hostSecrets(host.hostId);
    const accountKey = /AccountKey=([^;]+)/.exec(process.env.TEST_STORAGE_CONNECTION ?? '')?.[1];
    const secrets = [
      keys.masterKey.value,
      ...keys.functionKeys.map((key) => key.value),
      ...keys.systemKeys.map((key) => key.value),
      ...(accountKey === undefined ? [] : [accountKey]),
    ];
    return new CorpusChecks(host, secrets);
  }

  get masterKey(): string {
    return this.secrets[0]!;
  }

  /** Fails naming `what` if `text` holds a stack frame, the repository's folder or a secret. */
  expectClean(text: string, what: string): void {
    const leaks = [
      text.includes('    at ') ? 'a stack frame ("    at ")' : '',
      text.includes(repoRoot) ? `the server folder ${repoRoot}` : '',
      this.secrets.some((secret) => text.includes(secret)) ? 'a secret' : '',
    ].filter(Boolean);
    if (leaks.length > 0) throw new Error(`${what} shows ${leaks.join(', ')}:\n${text.slice(0, 2000)}`);
  }

  /** GET /admin/host/status answers 200 within `withinMs`. */
  async expectHealthy(withinMs = 2000): Promise<void> {
    const started = Date.now();
    const response = await this.host.fetch('/admin/host/status', { signal: AbortSignal.timeout(10_000) });
    const took = Date.now() - started;
    await response.arrayBuffer();
    if (response.status !== 200 || took > withinMs)
      throw new Error(
        `GET /admin/host/status answered ${response.status} in ${took} ms (limit ${withinMs} ms)`,
      );
  }

  /** The host process is still running (it was not brought down by what it was fed). */
  expectAlive(): void {
    if (!this.host.running) throw new Error(`The host exited. Output:\n${this.host.output().slice(-4000)}`);
  }
}
