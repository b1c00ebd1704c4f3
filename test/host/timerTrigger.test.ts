import { TestHost } from '../support/TestHost';
import { testStorage, uniqueName } from '../support/testStorage';

const appDir = 'test/fixtures/apps/timer-app';
const hostsContainer = () => testStorage().blobs.getContainerClient('azure-webjobs-hosts');

interface TimerRun {
  at: Date;
  isPastDue: boolean;
  status: { last: string; next: string; lastUpdated: string } | null;
}

/** The runs a fixture timer logged ("TICK <name> at=… isPastDue=… status=…"), in order. */
function runsOf(host: TestHost, name: string): TimerRun[] {
  const pattern = new RegExp(`TICK ${name} at=(\\S+) isPastDue=(\\S+) status=(.*)$`, 'gm');
  return [...host.output().matchAll(pattern)].map((match) => ({
    at: new Date(match[1]!),
    isPastDue: match[2] === 'true',
    status: JSON.parse(match[3]!) as TimerRun['status'],
  }));
}

/** Polls until the check returns a value (not undefined), or fails after the timeout. */
async function until<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 10_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const atLeast = (host: TestHost, pattern: RegExp, count: number) =>
  until(`${count} × ${pattern}`, () => (host.count(pattern) >= count ? true : undefined));

async function readStatus(hostId: string, functionName: string) {
  const blob = hostsContainer().getBlockBlobClient(`timers/${hostId}/Host.Functions.${functionName}/status`);
  if (!(await blob.exists())) return undefined;
  // One GET, so a status the host rewrites meanwhile is never read half old, half new.
  const chunks: Buffer[] = [];
  for await (const chunk of (await blob.download()).readableStreamBody ?? [])
    chunks.push(Buffer.from(chunk as Buffer));
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, string>;
}

const seconds = (runs: { at: Date }[]) => runs.map((run) => Math.floor(run.at.getTime() / 1000));

describe('timer trigger on a host running several timers', () => {
  let host: TestHost;

  beforeAll(async () => {
    host = await TestHost.start(appDir, {
      settings: { TIMER_FUNCTIONS: 'everySecond,slow,fromSetting,interval,onStartup,failing' },
    });
  });

  afterAll(async () => {
    await host?.stop();
  });

  it('fires an every-second schedule once per tick, without schedule status', async () => {
    await atLeast(host, /TICK everySecond/, 4);
    const runs = runsOf(host, 'everySecond');
    const ticks = seconds(runs);
    expect(new Set(ticks).size).toBe(ticks.length);
    expect(ticks).toEqual([...ticks].sort((a, b) => a - b));
    expect(runs.every((run) => !run.isPastDue && run.status === null)).toBe(true);
    expect(host.output()).toMatch(
      /everySecond: timer: \* \* \* \* \* \* \(next \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\)/,
    );
    expect(await readStatus(host.hostId, 'everySecond')).toBeUndefined();
  });

  it('never overlaps runs of one timer: ticks that fall during a long run are skipped', async () => {
    await atLeast(host, /SLOW end/, 2);
    expect(host.output()).not.toMatch(/SLOW start running=2/);
    expect(host.count(/SLOW start/)).toBeLessThan(host.count(/TICK everySecond/) - 1);
  });

  it('reads the schedule from an app setting (%TIMER_SCHEDULE%)', async () => {
    await atLeast(host, /TICK fromSetting/, 2);
    expect(seconds(runsOf(host, 'fromSetting')).every((second) => second % 2 === 0)).toBe(true);
    expect(host.output()).toMatch(/fromSetting: timer: \*\/2 \* \* \* \* \* \(next /);
  });

  it('accepts a TimeSpan schedule (hh:mm:ss) as an interval', async () => {
    await atLeast(host, /TICK interval/, 2);
    const [first, second] = runsOf(host, 'interval');
    const gap = second!.at.getTime() - first!.at.getTime();
    expect(gap).toBeGreaterThanOrEqual(1990);
    expect(gap).toBeLessThan(5000);
  });

  it('runs a runOnStartup timer once at start and stores its schedule status', async () => {
    await atLeast(host, /TICK onStartup/, 1);
    const [run] = runsOf(host, 'onStartup');
    expect(run!.isPastDue).toBe(false);
    const nextNewYear = new Date(Date.UTC(new Date().getUTCFullYear() + 1, 0, 1));
    expect(new Date(run!.status!.next)).toEqual(nextNewYear);
    expect(host.output()).toContain('Trigger Details: UnscheduledInvocationReason: RunOnStartup');

    const status = await until('the status after the run', async () => {
      const stored = await readStatus(host.hostId, 'onStartup');
      return stored && !stored.Last!.startsWith('0001') ? stored : undefined;
    });
    expect(Math.abs(Date.parse(status.Last!) - run!.at.getTime())).toBeLessThan(2000);
    expect(new Date(status.Next!)).toEqual(nextNewYear);
    expect(status.LastUpdated).toBe(status.Last);
    expect(host.count(/TICK onStartup/)).toBe(1);
  });

  it('keeps firing a failing timer on schedule, without retrying a failed run', async () => {
    await atLeast(host, /Executed 'Functions\.failing' \(Failed/, 3);
    const runs = [...host.output().matchAll(/FAILING run at=(\S+)/g)].map((match) => ({
      at: new Date(match[1]!),
    }));
    expect(new Set(seconds(runs)).size).toBe(runs.length);
    expect(host.output()).toContain('deliberate failure in failing');
  });
});

describe('timer trigger across restarts and hosts', () => {
  it('runs missed occurrences once, with isPastDue and the stored status, after a restart', async () => {
    const hostId = uniqueName('timerpast');
    const settings = { TIMER_FUNCTIONS: 'everyMinute' };
    const first = await TestHost.start(appDir, { hostId, settings });
    const initial = await until('the initial status', () => readStatus(hostId, 'everyMinute'));
    expect(initial.Last).toBe('0001-01-01T00:00:00+00:00');
    expect(Date.parse(initial.Next!) % 60_000).toBe(0);
    await first.stop();

    // Simulate downtime: the last run was five minutes ago, so four occurrences were missed.
    const minute = Math.floor(Date.now() / 60_000) * 60_000;
    const last = new Date(minute - 5 * 60_000).toISOString();
    const next = new Date(minute - 4 * 60_000).toISOString();
    const body = JSON.stringify({ Last: last, Next: next, LastUpdated: last });
    await hostsContainer()
      .getBlockBlobClient(`timers/${hostId}/Host.Functions.everyMinute/status`)
      .upload(body, body.length);

    const second = await TestHost.start(appDir, { hostId, settings });
    try {
      await second.waitForLog(/TICK everyMinute/);
      const [run] = runsOf(second, 'everyMinute');
      expect(run!.isPastDue).toBe(true);
      expect(new Date(run!.status!.last).toISOString()).toBe(last);
      expect(new Date(run!.status!.next).toISOString()).toBe(next);
      expect(second.output()).toMatch(/UnscheduledInvocationReason: IsPastDue, OriginalSchedule: /);

      const updated = await until('the status after the past-due run', async () => {
        const stored = await readStatus(hostId, 'everyMinute');
        return stored && Date.parse(stored.Last!) > Date.parse(last) ? stored : undefined;
      });
      expect(Math.abs(Date.parse(updated.Last!) - run!.at.getTime())).toBeLessThan(2000);
      expect(Date.parse(updated.Next!)).toBe(Math.floor(Date.parse(updated.Last!) / 60_000 + 1) * 60_000);
      expect(runsOf(second, 'everyMinute').filter((r) => r.isPastDue)).toHaveLength(1);
    } finally {
      await second.stop();
    }
  });

  it('runs a timer on one host only when two share a host id and storage, and fails over', async () => {
    const hostId = uniqueName('timerpair');
    const start = (label: string) =>
      TestHost.start(appDir, { hostId, settings: { TIMER_FUNCTIONS: 'singleton', TEST_HOST_LABEL: label } });
    const [a, b] = await Promise.all([start('A'), start('B')]);
    try {
      const ticks = /TICK singleton/;
      await until('3 ticks on either host', () => (a.count(ticks) + b.count(ticks) >= 3 ? true : undefined));
      const [active, standby] = a.count(ticks) > 0 ? [a, b] : [b, a];
      expect(standby.count(ticks)).toBe(0);
      expect(standby.output()).toMatch(/singleton: timer: .*\[standby: another host holds its lock\]/);
      const lock = hostsContainer().getBlobClient(`locks/${hostId}/Host.Functions.singleton.Listener`);
      expect((await lock.getProperties()).leaseState).toBe('leased');

      await active.stop();
      await standby.waitForLog(ticks, 5000);
      expect(active.count(ticks)).toBeGreaterThanOrEqual(3);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it('refuses to start on an invalid schedule, naming the function and the expression', async () => {
    const { code, output } = await TestHost.startExpectingFailure(appDir, {
      settings: { TIMER_FUNCTIONS: 'fromSetting', TIMER_SCHEDULE: '0 */5 * * * Funday' },
    });
    expect(code).not.toBe(0);
    expect(output).toContain(
      `Function 'fromSetting': the timer schedule (from %TIMER_SCHEDULE%) "0 */5 * * * Funday" is not a valid NCRONTAB expression`,
    );
    expect(output).toContain('"Funday" is not a valid value for the day-of-week field');
  });
});
