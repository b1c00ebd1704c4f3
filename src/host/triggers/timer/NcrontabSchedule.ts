import { CronField, CronFieldError, cronFieldSpecs } from './CronField';
import type { TimerSchedule } from './TimerSchedule';

// A schedule that never matches (e.g. "0 0 0 31 2 *", used on Azure to park a timer) is searched this far ahead.
const searchYears = 400;

/**
 * An NCRONTAB schedule, `{second} {minute} {hour} {day} {month} {day-of-week}` (or five fields, seconds
 * then being 0), evaluated in UTC. As in NCrontab, a time matches only if BOTH its day of month and its day
 * of week are allowed (classic cron matches either), so "0 0 0 13 * Fri" means Friday the 13th.
 */
export class NcrontabSchedule implements TimerSchedule {
  private constructor(
    readonly expression: string,
    private readonly second: CronField,
    private readonly minute: CronField,
    private readonly hour: CronField,
    private readonly day: CronField,
    private readonly month: CronField,
    private readonly dayOfWeek: CronField,
  ) {}

  /** Parses a five- or six-field expression; throws a CronFieldError saying which field is wrong. */
  static parse(expression: string): NcrontabSchedule {
    const tokens = expression.trim().split(/\s+/);
    if (tokens.length !== 5 && tokens.length !== 6) {
      throw new CronFieldError(`it has ${tokens.length} field(s); NCRONTAB needs 6 (or 5 without seconds).`);
    }
    const [second, minute, hour, day, month, dayOfWeek] = tokens.length === 6 ? tokens : ['0', ...tokens];
    const specs = cronFieldSpecs;
    return new NcrontabSchedule(
      expression.trim(),
      CronField.parse(second!, specs.second),
      CronField.parse(minute!, specs.minute),
      CronField.parse(hour!, specs.hour),
      CronField.parse(day!, specs.day),
      CronField.parse(month!, specs.month),
      CronField.parse(dayOfWeek!, specs.dayOfWeek),
    );
  }

  /** True when more than one occurrence falls in a minute, which (as on Azure) turns the schedule monitor off. */
  get isSubMinute(): boolean {
    const coarser = [this.minute, this.hour, this.day, this.month, this.dayOfWeek];
    return coarser.every((field) => field.isEverything) && this.second.size > 1;
  }

  /** The first occurrence strictly after `after` (whole seconds, UTC), or undefined if there is none. */
  next(after: Date): Date | undefined {
    let time = Math.floor(after.getTime() / 1000) * 1000 + 1000;
    const limit = Date.UTC(new Date(time).getUTCFullYear() + searchYears, 0, 1);
    while (time < limit) {
      const at = new Date(time);
      const [year, month, day] = [at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()];
      const [hour, minute, second] = [at.getUTCHours(), at.getUTCMinutes(), at.getUTCSeconds()];
      if (!this.month.has(month + 1)) {
        time = Date.UTC(year, month + 1, 1);
      } else if (!this.day.has(day) || !this.dayOfWeek.has(at.getUTCDay())) {
        time = Date.UTC(year, month, day + 1);
      } else if (!this.hour.has(hour)) {
        const nextHour = this.hour.next(hour);
        time = nextHour === undefined ? Date.UTC(year, month, day + 1) : Date.UTC(year, month, day, nextHour);
      } else if (!this.minute.has(minute)) {
        const nextMinute = this.minute.next(minute);
        time = Date.UTC(year, month, day, hour, nextMinute ?? 60);
      } else {
        const nextSecond = this.second.next(second);
        if (nextSecond !== undefined) return new Date(Date.UTC(year, month, day, hour, minute, nextSecond));
        time = Date.UTC(year, month, day, hour, minute + 1);
      }
    }
    return undefined;
  }

  toString(): string {
    return this.expression;
  }
}
