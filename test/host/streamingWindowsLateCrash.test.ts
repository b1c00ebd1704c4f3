import { WindowCrashRun } from '../support/WindowCrashRun';
import {
  base,
  closingReading,
  devices,
  windowIso,
  windowMs,
  windowReadings,
} from '../support/windowReadings';

// Late readings through a kill: window 0 is committed, then readings for it arrive late, one device at
// a time (so each partition gets several small batches, checkpointed every third), and the host is
// killed (SIGKILL) once they are counted in. The restarted host delivers the batches not checkpointed
// again, cut differently: each late reading must still be kept and counted once.
let run: WindowCrashRun;

beforeAll(async () => {
  run = await WindowCrashRun.create();
  await run.start();
  await run.registerModel();
}, 90_000);

afterAll(async () => {
  await run?.dispose();
});

test('late readings delivered again after a kill are kept and counted once', async () => {
  await run.send(windowReadings(0));
  await run.landed();
  await run.send([closingReading(0)]);
  const committed = await run.committed(0);
  expect(committed).toMatchObject({ state: 'Committed', eventsIn: devices * 5 });
  const late = windowReadings(0).filter((_, i) => i % 5 < 2);
  for (let device = 0; device < devices; device++) {
    await run.send(late.slice(device * 2, device * 2 + 2));
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await run.landed();
  await run.killAndRestart();
  // A reading after the late ones in every partition: once it is counted, the batches delivered again are done.
  await run.sendToEachPartition((partitionId) => ({
    deviceId: `marker${partitionId}`,
    at: new Date(base + windowMs + 5_000).toISOString(),
    temp: 25,
    rpm: 1100,
    vib: 0.5,
  }));
  await run.landed();

  const row = (await run.windows()).find((candidate) => candidate.windowStart === windowIso(0))!;
  expect(row).toMatchObject({ state: 'Committed', eventsIn: devices * 5, lateEvents: late.length });
  const kept = [];
  for (const name of await run.listNames('sensors/_late/'))
    kept.push(
      ...(await run.readText(name))
        .split('\n')
        .filter(Boolean)
        .map(
          (line) =>
            JSON.parse(line) as {
              partitionId: string;
              sequenceNumber: number;
              key: string;
              eventTime: number;
            },
        ),
    );
  const distinct = new Set(kept.map((event) => `${event.partitionId}:${event.sequenceNumber}`));
  // Every late reading is kept; one delivered again may be kept in two blobs, and is counted once.
  expect(distinct.size).toBe(late.length);
  const readingOf = (key: string, at: number) => `${key}@${new Date(at).toISOString()}`;
  expect(new Set(kept.map((event) => readingOf(event.key, event.eventTime)))).toEqual(
    new Set(late.map((reading) => readingOf(reading.deviceId, Date.parse(reading.at)))),
  );
  expect(await run.listNames('sensors/2026-06-01/')).toEqual([`sensors/2026-06-01/10/${windowIso(0)}.jsonl`]);
  const { body: stream } = await run.api<Record<string, unknown>>('streams/sensors');
  expect(stream).toMatchObject({ eventsIn: run.sent.length, landedEvents: run.sent.length });
}, 90_000);
