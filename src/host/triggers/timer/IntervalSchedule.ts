import type { TimerSchedule } from './TimerSchedule';

/** A TimeSpan schedule (`hh:mm:ss`): every occurrence is one interval after the time it is computed from. */
export class IntervalSchedule implements TimerSchedule {
  constructor(
    readonly expression: string,
    readonly intervalMs: number,
  ) {}

  get isSubMinute(): boolean {
    return this.intervalMs < 60_000;
  }

  next(after: Date): Date {
    return new Date(after.getTime() + this.intervalMs);
  }

  toString(): string {
    return this.expression;
  }
}
