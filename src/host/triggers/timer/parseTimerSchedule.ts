import { parseTimeSpan } from '../../app/HostJson';
import { CronFieldError } from './CronField';
import { IntervalSchedule } from './IntervalSchedule';
import { NcrontabSchedule } from './NcrontabSchedule';
import type { TimerSchedule } from './TimerSchedule';

/** The expression is neither NCRONTAB nor a TimeSpan; the message explains what is wrong. */
export class InvalidScheduleError extends Error {
  override name = 'InvalidScheduleError';
}

const timeSpanPattern = /^\s*(?:\d+\.)?\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*$/;

/**
 * Reads a timer trigger's `schedule` as the Functions host does: an NCRONTAB expression (six fields, or
 * five without seconds) first, else a TimeSpan interval (`hh:mm:ss`, `d.hh:mm:ss`).
 */
export function parseTimerSchedule(expression: string): TimerSchedule {
  const fieldCount = expression.trim().split(/\s+/).length;
  if (timeSpanPattern.test(expression) && fieldCount === 1) return parseInterval(expression);
  try {
    return NcrontabSchedule.parse(expression);
  } catch (error) {
    if (!(error instanceof CronFieldError)) throw error;
    const form = fieldCount === 1 ? 'NCRONTAB expression or TimeSpan' : 'NCRONTAB expression';
    throw new InvalidScheduleError(`"${expression}" is not a valid ${form}: ${error.message}`);
  }
}

function parseInterval(expression: string): TimerSchedule {
  // The host's TimeSpan also accepts hh:mm; parseTimeSpan wants seconds.
  const text = expression.trim().split(':').length === 2 ? `${expression.trim()}:00` : expression;
  const intervalMs = parseTimeSpan(text, 0);
  if (!(intervalMs > 0)) {
    throw new InvalidScheduleError(
      `"${expression}" is a TimeSpan of zero; a timer interval must be positive.`,
    );
  }
  return new IntervalSchedule(expression.trim(), intervalMs);
}
