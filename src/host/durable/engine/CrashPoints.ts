/** Where the engine can be made to crash on purpose, to prove that state survives a kill at that point. */
export type CrashPoint =
  | 'after-commit'
  /** After a commit that has messages to send (so the n-th one is a known step of an orchestration). */
  | 'after-commit-with-sends'
  | 'after-send'
  | 'activity-after-result';

/**
 * Crash injection for crash-safety tests: the setting `DurableScoring__CrashAt` = `<point>:<n>` kills
 * the host process (SIGKILL, no clean-up) the n-th time the engine reaches that point. Unset in normal use.
 */
export class CrashPoints {
  #remaining: number;

  constructor(
    private readonly point: CrashPoint | undefined,
    count: number,
  ) {
    this.#remaining = count;
  }

  static parse(value: string | undefined): CrashPoints {
    if (!value) return new CrashPoints(undefined, 0);
    const [point, count = '1'] = value.split(':');
    const known: CrashPoint[] = [
      'after-commit',
      'after-commit-with-sends',
      'after-send',
      'activity-after-result',
    ];
    if (!known.includes(point as CrashPoint) || !/^\d+$/.test(count)) {
      throw new Error(
        `DurableScoring__CrashAt "${value}" is not <point>:<n> with point one of ${known.join(', ')}.`,
      );
    }
    return new CrashPoints(point as CrashPoint, Number(count));
  }

  reached(point: CrashPoint): void {
    if (point !== this.point || --this.#remaining > 0) return;
    process.stdout.write(`Crash point ${point} reached: killing the host\n`);
    process.kill(process.pid, 'SIGKILL');
  }
}
