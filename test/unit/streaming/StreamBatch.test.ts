import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { enqueuedTimeMs } from '../../../src/streaming/StreamBatch';

// The built module (npm test builds first), run in a process with its own time zone: a running
// process does not see a TZ set afterwards.
const built = path.resolve(__dirname, '../../../dist/src/streaming/StreamBatch.js');

/** `enqueuedTimeMs(text)` and `Date.parse(text)` in a process whose time zone is `zone`. */
function parsedIn(zone: string, text: string): { helper: number; dateParse: number } {
  const script = `const { enqueuedTimeMs } = require(${JSON.stringify(built)});
    const text = ${JSON.stringify(text)};
    process.stdout.write(JSON.stringify({ helper: enqueuedTimeMs(text), dateParse: Date.parse(text) }));`;
  const output = execFileSync(process.execPath, ['-e', script], { env: { ...process.env, TZ: zone } });
  return JSON.parse(output.toString()) as { helper: number; dateParse: number };
}

test('an enqueued time without a zone is UTC, whatever the machine’s time zone', () => {
  const utc = Date.UTC(2024, 4, 1, 10, 20, 30, 250);
  for (const zone of ['UTC', 'America/New_York', 'Asia/Kolkata'])
    expect(parsedIn(zone, '2024-05-01T10:20:30.25').helper).toBe(utc);
  // Date.parse alone reads it as local time: the reason for the helper.
  expect(parsedIn('America/New_York', '2024-05-01T10:20:30.25').dateParse).toBe(utc + 4 * 3600_000);
  expect(enqueuedTimeMs('2024-05-01T10:20:30')).toBe(utc - 250);
});

test('an enqueued time that names its zone keeps it; none is NaN', () => {
  expect(parsedIn('Asia/Kolkata', '2024-05-01T10:20:30.25+02:00').helper).toBe(
    Date.UTC(2024, 4, 1, 8, 20, 30, 250),
  );
  expect(enqueuedTimeMs('2024-05-01T10:20:30.25Z')).toBe(Date.UTC(2024, 4, 1, 10, 20, 30, 250));
  expect(enqueuedTimeMs('')).toBeNaN();
  expect(enqueuedTimeMs('not a time')).toBeNaN();
});
