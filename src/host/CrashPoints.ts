/** Where the host can be made to crash on purpose, to prove that state survives a kill at that point. */
export type CrashPoint =
  /** Durable: after an episode's commit, before its sends. */
  | 'after-commit'
  /** After a commit that has messages to send (so the n-th one is a known step of an orchestration). */
  | 'after-commit-with-sends'
  /** Durable: after an episode's sends, before the messages it consumed are deleted. */
  | 'after-send'
  /** Durable: after an activity's result was handed on, before its work item is deleted. */
  | 'activity-after-result'
  /** Durable: after an entity batch's commit, before its sends and the deletes of its messages. */
  | 'entity-after-commit'
  /** Any trigger: an invocation is about to run the function (its trigger has claimed the work). */
  | 'before-invocation'
  /** Any trigger: the function succeeded, its outputs are written, its trigger has not recorded it. */
  | 'after-invocation';

const known: readonly CrashPoint[] = [
  'after-commit',
  'after-commit-with-sends',
  'after-send',
  'activity-after-result',
  'entity-after-commit',
  'before-invocation',
  'after-invocation',
];
const invocationPoints: readonly CrashPoint[] = ['before-invocation', 'after-invocation'];
/** Points that can count one function's invocations, or (entity-after-commit) one entity's batches. */
const namedPoints: readonly CrashPoint[] = [...invocationPoints, 'entity-after-commit'];

/**
 * Crash injection for crash-safety tests: the setting `DurableScoring__CrashAt` = `<point>:<n>` kills
 * the host process (SIGKILL, no clean-up) the n-th time the host reaches that point; for the invocation
 * points, `<point>:<function>:<n>` counts the invocations of that function only, and for
 * entity-after-commit, `<point>:@name@key:<n>` the batches of that entity. Unset in normal use.
 */
export class CrashPoints {
  #remaining: number;

  constructor(
    private readonly point: CrashPoint | undefined,
    count: number,
    private readonly functionName?: string,
  ) {
    this.#remaining = count;
  }

  static parse(value: string | undefined): CrashPoints {
    if (!value) return new CrashPoints(undefined, 0);
    const [point, ...rest] = value.split(':') as [CrashPoint, ...string[]];
    const count = rest.length > 0 && /^\d+$/.test(rest.at(-1)!) ? Number(rest.pop()) : 1;
    const functionName = rest[0];
    const valid =
      known.includes(point) &&
      rest.length <= 1 &&
      count > 0 &&
      (functionName === undefined || namedPoints.includes(point));
    if (!valid) {
      throw new Error(
        `DurableScoring__CrashAt "${value}" is not <point>:<n> with point one of ${known.join(', ')}, or <point>:<name>:<n> with point one of ${namedPoints.join(', ')} (a function's name, or an entity's @name@key).`,
      );
    }
    return new CrashPoints(point, count, functionName);
  }

  /** Kills the host if this is the n-th time it reaches the point (for `functionName`, when one is set). */
  reached(point: CrashPoint, functionName?: string): void {
    if (point !== this.point) return;
    if (this.functionName !== undefined && this.functionName.toLowerCase() !== functionName?.toLowerCase())
      return;
    if (--this.#remaining > 0) return;
    const where = this.functionName === undefined ? '' : ` in ${this.functionName}`;
    process.stdout.write(`Crash point ${point} reached${where}: killing the host\n`);
    process.kill(process.pid, 'SIGKILL');
  }
}
