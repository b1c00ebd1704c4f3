import type { TimerSchedule } from './TimerSchedule';

/** A timer's schedule status; undefined stands for the host's "unset" date (0001-01-01). */
export interface ScheduleStatus {
  readonly last?: Date;
  readonly next?: Date;
  readonly lastUpdated?: Date;
}

/** The status as the host stores and sends it: `{Last, Next, LastUpdated}`. */
export interface ScheduleStatusJson {
  Last: string;
  Next: string;
  LastUpdated: string;
}

// DateTime.MinValue as the host serializes it; any date before year 2 counts as unset, as on Azure.
const unsetDate = '0001-01-01T00:00:00+00:00';
const unsetThreshold = Date.parse('0002-01-01T00:00:00Z');

/** A UTC time in the host's round-trip form, e.g. 2026-11-22T02:25:00.000+00:00. */
export function formatStatusTime(date: Date | undefined): string {
  return date ? date.toISOString().replace('Z', '+00:00') : unsetDate;
}

export function toScheduleStatusJson(status: ScheduleStatus): ScheduleStatusJson {
  return {
    Last: formatStatusTime(status.last),
    Next: formatStatusTime(status.next),
    LastUpdated: formatStatusTime(status.lastUpdated),
  };
}

/** Reads a stored status; undefined if it is not a `{Last, Next, LastUpdated}` object. */
export function fromScheduleStatusJson(value: unknown): ScheduleStatus | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const record = value as Record<string, unknown>;
  return {
    last: readTime(record.Last),
    next: readTime(record.Next),
    lastUpdated: readTime(record.LastUpdated),
  };
}

function readTime(value: unknown): Date | undefined {
  if (typeof value !== 'string') return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) || time < unsetThreshold ? undefined : new Date(time);
}

export interface PastDueCheck {
  readonly status: ScheduleStatus;
  /** The status was created or corrected and should be stored. */
  readonly changed: boolean;
  readonly pastDue: boolean;
}

/**
 * Decides on start whether an occurrence was missed, as the host's schedule monitor does: a stored
 * `Next` that no longer follows from `Last` (or `LastUpdated`) means the schedule was changed, and the
 * status is recomputed rather than reported as past due.
 */
export function checkPastDue(
  stored: ScheduleStatus | undefined,
  schedule: TimerSchedule,
  now: Date,
): PastDueCheck {
  if (!stored) {
    const status = { next: schedule.next(now), lastUpdated: now };
    return { status, changed: true, pastDue: false };
  }
  let status = stored;
  let changed = false;
  const basis = stored.last ?? stored.lastUpdated ?? now;
  let expected = schedule.next(basis);
  if (stored.next?.getTime() !== expected?.getTime()) {
    let lastUpdated = basis;
    if (expected && now > expected) {
      expected = schedule.next(now);
      lastUpdated = now;
    }
    status = { next: expected, lastUpdated };
    changed = true;
  }
  return { status, changed, pastDue: status.next !== undefined && now > status.next };
}
