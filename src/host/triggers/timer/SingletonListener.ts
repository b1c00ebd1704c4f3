import type { TriggerListener } from '../../HostExtension';
import type { HostLogger } from '../../logging/HostLogger';
import { LeaseLostError, type BlobLease } from './BlobLease';

export interface SingletonListenerOptions {
  readonly functionName: string;
  readonly lease: BlobLease;
  /** The lease is renewed every half period. */
  readonly leasePeriodMs: number;
  /** How often a host without the lease tries to take it. */
  readonly recoveryIntervalMs: number;
  readonly log: HostLogger;
}

/**
 * Runs the inner listener only while this host holds the function's listener lock, so that one host
 * among those sharing a host id and storage runs it (the WebJobs SDK's singleton listener). Without the
 * lease it retries periodically, which lets it take over when the holder stops or dies.
 */
export class SingletonListener implements TriggerListener {
  #listening = false;
  #stopped = false;
  #renewTimer: NodeJS.Timeout | undefined;
  #recoveryTimer: NodeJS.Timeout | undefined;
  /** The acquire/renew/hand-over step in flight; steps never overlap. */
  #step: Promise<void> = Promise.resolve();

  constructor(
    private readonly inner: TriggerListener,
    private readonly options: SingletonListenerOptions,
  ) {}

  async start(): Promise<void> {
    if (!(await this.#tryTakeOver())) this.#waitForLease();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#renewTimer);
    clearInterval(this.#recoveryTimer);
    await this.#step;
    if (this.#listening) {
      this.#listening = false;
      await this.inner.stop();
      await this.options.lease.release();
    }
  }

  describe(): string {
    const standby = this.#listening ? '' : ' [standby: another host holds its lock]';
    return this.inner.describe() + standby;
  }

  async #tryTakeOver(): Promise<boolean> {
    const { lease, log, functionName } = this.options;
    if (!(await lease.tryAcquire())) {
      log.host('debug', `Function '${functionName}': another host holds ${lease.blobName}; waiting for it.`);
      return false;
    }
    if (this.#stopped) {
      await lease.release();
      return true;
    }
    log.host('debug', `Singleton lock acquired (${lease.blobName})`);
    this.#listening = true;
    this.#renewTimer = setInterval(() => this.#run(() => this.#renew()), this.options.leasePeriodMs / 2);
    try {
      await this.inner.start();
    } catch (error) {
      clearInterval(this.#renewTimer);
      this.#listening = false;
      await lease.release();
      throw error;
    }
    return true;
  }

  #waitForLease(): void {
    if (this.#stopped) return;
    this.#recoveryTimer = setInterval(
      () =>
        this.#run(async () => {
          if (this.#listening || !(await this.#tryTakeOver())) return;
          clearInterval(this.#recoveryTimer);
        }),
      this.options.recoveryIntervalMs,
    );
  }

  async #renew(): Promise<void> {
    if (!this.#listening) return;
    try {
      await this.options.lease.renew();
    } catch (error) {
      if (!(error instanceof LeaseLostError)) throw error;
      // Another host owns the function now: stop running it here and wait to get the lease back.
      this.options.log.warn(
        `Function '${this.options.functionName}': ${error.message} Stopping its listener.`,
      );
      clearInterval(this.#renewTimer);
      this.#listening = false;
      await this.inner.stop();
      this.#waitForLease();
    }
  }

  /** Runs one background step after the previous one; failures are logged and retried on the next tick. */
  #run(step: () => Promise<void>): void {
    this.#step = this.#step.then(async () => {
      if (this.#stopped) return;
      try {
        await step();
      } catch (error) {
        this.options.log.warn(
          `Function '${this.options.functionName}': lock ${this.options.lease.blobName}: ${(error as Error).message} (will retry)`,
        );
      }
    });
  }
}
