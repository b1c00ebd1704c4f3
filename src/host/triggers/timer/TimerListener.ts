import type { AppFunction, HostServices, TriggerListener } from '../../HostExtension';
import { InvocationFailedError } from '../../InvocationPipeline';
import { checkPastDue, formatStatusTime, toScheduleStatusJson, type ScheduleStatus } from './ScheduleStatus';
import type { ScheduleStatusStore } from './ScheduleStatusStore';
import type { TimerSchedule } from './TimerSchedule';

export interface TimerListenerOptions {
  readonly fn: AppFunction;
  readonly services: HostServices;
  readonly schedule: TimerSchedule;
  readonly runOnStartup: boolean;
  /** Present when the schedule monitor is on (`useMonitor`): status is read on start and stored after each run. */
  readonly statusStore?: ScheduleStatusStore;
  /** How long stop() waits for a running invocation. */
  readonly stopGraceMs: number;
}

/** Why a run happens outside the plain schedule. */
type Occasion =
  | { readonly kind: 'scheduled' }
  | { readonly kind: 'pastDue'; readonly originalSchedule?: Date }
  | { readonly kind: 'startup' };

// setTimeout cannot wait longer than ~24.8 days; longer waits are chained.
const maxTimeoutMs = 24 * 24 * 60 * 60 * 1000;

/**
 * Fires one function on its schedule, one run at a time: the next occurrence is computed when a run ends
 * (from the time it started), so a run that overruns its next tick is followed by at most one immediate
 * run and the other missed ticks are skipped, as on Azure. Failed runs are not retried.
 */
export class TimerListener implements TriggerListener {
  #status: ScheduleStatus = {};
  #stopping = false;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;

  constructor(private readonly options: TimerListenerOptions) {}

  async start(): Promise<void> {
    // A previous run that outlived stop()'s grace period must end first: runs never overlap.
    await this.#loop;
    this.#stopping = false;
    const { schedule, statusStore, runOnStartup } = this.options;
    const now = new Date();
    let first: Occasion | undefined;
    if (statusStore) {
      const check = checkPastDue(await statusStore.read(), schedule, now);
      this.#status = check.status;
      if (check.changed) await this.#saveStatus();
      if (check.pastDue) first = { kind: 'pastDue', originalSchedule: check.status.next };
    } else {
      this.#status = { next: schedule.next(now) };
    }
    if (!first && runOnStartup) first = { kind: 'startup' };
    this.#loop = this.#run(first);
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    this.#wake?.();
    if (!this.#loop) return;
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), this.options.stopGraceMs);
    });
    const timedOut = await Promise.race([this.#loop.then(() => false), gaveUp]);
    clearTimeout(timer);
    if (timedOut) {
      this.options.services.log.warn(
        `Function '${this.options.fn.name}': its timer run is still going after ${this.options.stopGraceMs / 1000} s; stopping without waiting for it.`,
      );
    }
  }

  describe(): string {
    const next = this.#status.next ?? this.options.schedule.next(new Date());
    const when = next ? next.toISOString().replace(/\.000Z$/, 'Z') : 'never';
    return `timer: ${this.options.schedule.expression} (next ${when})`;
  }

  async #run(first: Occasion | undefined): Promise<void> {
    let occasion = first;
    while (!this.#stopping) {
      if (!occasion) {
        const next = this.#status.next;
        if (!next || !(await this.#sleepUntil(next))) return;
        occasion = { kind: 'scheduled' };
      }
      await this.#fire(occasion);
      occasion = undefined;
    }
  }

  /** Resolves true at `time`, or false as soon as the listener stops. */
  #sleepUntil(time: Date): Promise<boolean> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const check = () => {
        if (this.#stopping) return resolve(false);
        const remaining = time.getTime() - Date.now();
        if (remaining <= 0) return resolve(true);
        timer = setTimeout(check, Math.min(remaining, maxTimeoutMs));
      };
      this.#wake = () => {
        clearTimeout(timer);
        resolve(false);
      };
      check();
    });
  }

  async #fire(occasion: Occasion): Promise<void> {
    const { fn, services, schedule, statusStore } = this.options;
    const firedAt = new Date();
    const timerInfo = {
      Schedule: { AdjustForDST: true },
      ScheduleStatus: statusStore ? toScheduleStatusJson(this.#status) : null,
      IsPastDue: occasion.kind === 'pastDue',
    };
    if (occasion.kind === 'pastDue') {
      const original = occasion.originalSchedule ? formatStatusTime(occasion.originalSchedule) : 'unknown';
      services.log.info(
        `Trigger Details: UnscheduledInvocationReason: IsPastDue, OriginalSchedule: ${original}`,
      );
    } else if (occasion.kind === 'startup') {
      services.log.info('Trigger Details: UnscheduledInvocationReason: RunOnStartup');
    }
    try {
      await services.invoke(fn, {
        triggerData: { json: JSON.stringify(timerInfo) },
        reason: `Timer fired at ${formatStatusTime(firedAt)}`,
      });
    } catch (error) {
      // A failed run is logged by the pipeline and, as on Azure, not retried: the schedule goes on.
      if (!(error instanceof InvocationFailedError)) {
        services.log.error(
          `Function '${fn.name}': the timer run could not start: ${(error as Error).message}`,
        );
      }
    }
    // A tick handled a moment before its time still counts as that tick, so Next moves past it.
    const due = this.#status.next;
    const basis = occasion.kind === 'scheduled' && due && due > firedAt ? due : firedAt;
    this.#status = { last: basis, next: schedule.next(basis), lastUpdated: basis };
    await this.#saveStatus();
  }

  /** Best effort, as on Azure: a status that cannot be stored only weakens past-due detection. */
  async #saveStatus(): Promise<void> {
    const store = this.options.statusStore;
    if (!store) return;
    try {
      await store.write(this.#status);
    } catch (error) {
      this.options.services.log.error(
        `Function '${this.options.fn.name}' failed to update the timer trigger status in azure-webjobs-hosts/${store.blobName}: ${(error as Error).message}`,
      );
    }
  }
}
