import { waitForInstance } from './durableTestClient';
import type { TapCut } from './StorageTap';
import { WindowCrashRun, type WindowRow } from './WindowCrashRun';
import {
  base,
  closingReading,
  devices,
  directFeatures,
  features,
  windowIso,
  windowMs,
  windowReadings,
} from './windowReadings';

// Exactly once through kills: each window's readings are sent and counted in, then one reading at the
// window's end + lateness closes it (event time: the watermark decides, not the clock), and the host
// is killed with SIGKILL at one point between the first landing and the window's commit, then
// restarted with the same host id. Every window must be committed once, with one row per device
// holding the features of exactly the readings sent: none lost, none counted twice.

/** Where the host dies in a window's life. */
export type WindowKill =
  /** Once this many of the window's landing blobs exist (mid-landing). */
  | { readonly afterLandings: number }
  /** A seeded random delay (below `maxMs`) after the window's readings, or after its closing reading, were sent. */
  | { readonly randomMs: number; readonly after: 'readings' | 'closing reading' }
  /** DurableScoring__CrashAt, set on a restart once the window's readings are in. */
  | { readonly crashAt: string }
  /** One storage request of window k, before or after Azurite applied it (armed before the closing reading). */
  | { readonly cut: (run: WindowCrashRun, k: number) => Omit<TapCut, 'then'> };

const account = '/devstoreaccount1';
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The PUT of a landing blob of window k. */
export const landingPut = (run: WindowCrashRun, k: number): Omit<TapCut, 'then'> => ({
  service: 'blob',
  request: new RegExp(`^PUT ${account}/${run.names.output}/sensors/_landing/0*${base + k * windowMs}/`),
  when: 'after',
});
/** The streams row's update that records the watermark of window k's closing reading. */
export const watermarkRecorded = (run: WindowCrashRun, k: number): Omit<TapCut, 'then'> => ({
  service: 'table',
  request: new RegExp(`^\\w+ ${account}/${run.names.windowsTable}streams\\(`),
  body: new RegExp(`"watermark":${Date.parse(closingReading(k).at)}\\b`),
  when: 'after',
});
/** The message that raises the close event of window k's orchestration. */
export const closeRaised = (run: WindowCrashRun, k: number): Omit<TapCut, 'then'> => ({
  service: 'queue',
  request: new RegExp(`^POST ${account}/${run.names.taskHub.toLowerCase()}-control-\\d+/messages`),
  body: new RegExp(
    `(?=[\\s\\S]*stream-sensors-0*${base + k * windowMs}\\b)(?=[\\s\\S]*Name(&quot;|"):(&quot;|")close)`,
  ),
  when: 'after',
});
/** The commit of window k's output blob (its block list). */
export const outputCommit = (run: WindowCrashRun, k: number): Omit<TapCut, 'then'> => ({
  service: 'blob',
  request: new RegExp(
    `^PUT ${account}/${run.names.output}/sensors/2026-06-01/10/${escape(windowIso(k))}\\.jsonl\\?.*comp=blocklist`,
  ),
  when: 'after',
});
/** The update that ends a window's row Committed. */
export const committedRow = (run: WindowCrashRun): Omit<TapCut, 'then'> => ({
  service: 'table',
  request: new RegExp(`^\\w+ ${account}/${run.names.windowsTable}\\(`),
  body: /"state":"Committed"/,
  when: 'before',
});

/** `promise`, or a failure with the host's last output once `ms` passed. */
async function within<T>(run: WindowCrashRun, what: string, promise: Promise<T>, ms = 45_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(
            `No ${what} after ${ms} ms (host running: ${run.host.running}).\n${run.host.output().slice(-6000)}`,
          ),
        ),
      ms,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The same delays on every run: a Lehmer generator from a fixed seed (WINDOW_KILL_SEED tries another). */
function seededDelays(seed: number) {
  let state = seed;
  return (maxMs: number) => (state = (state * 48271) % 2147483647) % maxMs;
}

/** Sends window k's readings, then the one that closes it, killing the host as `kill` says. */
async function windowThroughAKill(
  run: WindowCrashRun,
  k: number,
  kill: WindowKill,
  delay: (maxMs: number) => number,
): Promise<WindowRow> {
  await run.send(windowReadings(k));
  if ('afterLandings' in kill) {
    await run.landings(k, kill.afterLandings);
    await run.killAndRestart();
  } else if ('randomMs' in kill && kill.after === 'readings') {
    await sleep(delay(kill.randomMs));
    await run.killAndRestart();
  }
  await run.landed();
  if ('crashAt' in kill) await run.restartWith(kill.crashAt);
  const cut = 'cut' in kill ? run.killAt(kill.cut(run, k)) : undefined;
  await run.send([closingReading(k)]);
  if ('crashAt' in kill) await run.crashed();
  if (cut) await within(run, 'kill at the storage request', cut);
  if ('randomMs' in kill && kill.after === 'closing reading') {
    await sleep(delay(kill.randomMs));
    await run.host.kill();
  }
  if (!run.host.running) await run.start();
  return run.committed(k);
}

/** Window k's output: one row per device (and the closing reading of window k - 1), features exact. */
async function expectCommittedOnce(run: WindowCrashRun, k: number, row: WindowRow): Promise<void> {
  const expected = directFeatures(run.sent, k);
  expect(expected.size).toBe(k === 0 ? devices : devices + 1);
  const eventsIn = [...expected.values()].reduce((sum, values) => sum + values[0]!, 0);
  expect(row).toMatchObject({ state: 'Committed', eventsIn, keys: expected.size, scoredRows: expected.size });
  expect(row.lateEvents ?? 0).toBe(0);
  expect(row.output).toBe(`${run.names.output}/sensors/2026-06-01/10/${windowIso(k)}.jsonl`);
  const rows = (await run.readText(row.output!.slice(run.names.output.length + 1)))
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  expect(rows.map((r) => r.deviceId).sort()).toEqual([...expected.keys()].sort());
  for (const r of rows) {
    const direct = expected.get(r.deviceId as string)!;
    features.forEach((feature, i) => expect(r[feature] as number).toBeCloseTo(direct[i]!, 9));
    expect(r).toMatchObject({ windowStart: windowIso(k), model: 'windowed', modelVersion: 1 });
    expect(r.variable).toEqual(expect.any(Number));
  }
}

/**
 * One test per kill, window k for the k-th, on one host restarted after each, then a test of the
 * whole: one output per window, nothing late or dead-lettered, every event counted once, every
 * window's orchestration Completed. The duplicates the windows dropped are printed at the end.
 */
export function windowKillTests(kills: readonly (readonly [string, WindowKill])[], seed: number): void {
  let run: WindowCrashRun;
  const chosenSeed = Number(process.env.WINDOW_KILL_SEED ?? seed);
  const delay = seededDelays(chosenSeed);

  beforeAll(async () => {
    run = await WindowCrashRun.create();
    await run.start();
    await run.registerModel();
  }, 90_000);

  afterAll(async () => {
    await run?.dispose();
  });

  describe.each(kills.map(([where, kill], k) => [k, where, kill] as const))(
    'window %i, host killed %s',
    (k, _where, kill) => {
      test('is committed once with exactly the readings sent', async () => {
        await expectCommittedOnce(run, k, await windowThroughAKill(run, k, kill, delay));
      }, 120_000);
    },
  );

  test('after every kill: one output per window, nothing late or dead-lettered, each event counted once', async () => {
    const outputs = (await run.listNames('sensors/')).filter((name) => !name.includes('/_'));
    expect(outputs.sort()).toEqual(kills.map((_, k) => `sensors/2026-06-01/10/${windowIso(k)}.jsonl`));
    expect(await run.listNames('sensors/_late/')).toEqual([]);
    expect(await run.listNames('sensors/_deadletter/')).toEqual([]);
    const { body: stream } = await run.api<Record<string, unknown>>('streams/sensors');
    expect(stream).toMatchObject({ eventsIn: run.sent.length, landedEvents: run.sent.length, badEvents: 0 });
    const rows = await run.windows();
    expect(rows.map((row) => [row.windowStart, row.state])).toEqual([
      ...kills.map((_, k) => [windowIso(k), 'Committed']),
      [windowIso(kills.length), 'Open'],
    ]);
    for (const [k] of kills.entries()) {
      const instanceId = `stream-sensors-${String(base + k * windowMs).padStart(15, '0')}`;
      // A commit killed before its result was recorded runs again: the row is done before the instance.
      expect((await waitForInstance(run.durable, instanceId, 30_000)).runtimeStatus).toBe('Completed');
    }
    const dropped = rows.slice(0, kills.length).map((row) => row.duplicatesDropped ?? 0);
    console.log(
      `${kills.length} kills (seed ${chosenSeed}); duplicates dropped per window: ${dropped.join(', ')}; host starts (ms): ${run.starts.join(', ')}`,
    );
  });
}
