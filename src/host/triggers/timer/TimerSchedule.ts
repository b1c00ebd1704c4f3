/** When a timer fires. All times are UTC. */
export interface TimerSchedule {
  /** The expression as written (after %SETTING% resolution). */
  readonly expression: string;
  /** Fires more than once a minute; the host then does not persist schedule status by default. */
  readonly isSubMinute: boolean;
  /** The first occurrence strictly after `after`, or undefined if the schedule never fires again. */
  next(after: Date): Date | undefined;
}
