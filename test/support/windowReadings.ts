// The readings of the window crash tests: seeded, so every run sends the same events, and their
// windows' features computed the plain way, to compare outputs with.
export const base = Date.parse('2026-06-01T10:00:00Z');
export const windowMs = 10_000;
export const latenessMs = 2_000;
export const devices = 12;
const readingsEach = 5;
export const features = ['count', 'temp_mean', 'temp_min', 'temp_max', 'temp_std', 'temp_last'];
features.push('rpm_mean', 'rpm_max', 'vib_mean', 'vib_std');

export interface Reading {
  readonly deviceId: string;
  readonly at: string;
  readonly temp: number;
  readonly rpm: number;
  readonly vib: number;
}

export const windowIso = (k: number) => new Date(base + k * windowMs).toISOString();

/** Window k's readings: every device `readingsEach` times, at seeded times inside the window. */
export function windowReadings(k: number): Reading[] {
  let state = 7919 * (k + 1);
  const next = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  const list: Reading[] = [];
  for (let device = 0; device < devices; device++)
    for (let n = 0; n < readingsEach; n++)
      list.push({
        deviceId: `dev${String(device).padStart(2, '0')}`,
        at: new Date(Math.floor(base + (k + next()) * windowMs)).toISOString(),
        temp: 20 + next() * 40,
        rpm: 1000 + next() * 500,
        vib: next() * 3,
      });
  return list;
}

/** The reading that closes window k: at its end + allowed lateness, so it falls in window k + 1. */
export function closingReading(k: number): Reading {
  const at = new Date(base + (k + 1) * windowMs + latenessMs).toISOString();
  return { deviceId: 'tick', at, temp: 30 + k, rpm: 1200, vib: 1 };
}

/** A window's features per device, computed the plain way from the readings sent. */
export function directFeatures(sent: readonly Reading[], k: number): Map<string, number[]> {
  const start = base + k * windowMs;
  const byDevice = new Map<string, Reading[]>();
  for (const r of sent)
    if (Date.parse(r.at) >= start && Date.parse(r.at) < start + windowMs)
      byDevice.set(r.deviceId, [...(byDevice.get(r.deviceId) ?? []), r]);
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  const std = (values: number[]) => Math.sqrt(mean(values.map((v) => (v - mean(values)) ** 2)));
  const result = new Map<string, number[]>();
  for (const [device, own] of byDevice) {
    const temps = own.map((r) => r.temp);
    const latest = [...own].sort((a, b) => Date.parse(a.at) - Date.parse(b.at)).at(-1)!;
    const rpms = own.map((r) => r.rpm);
    const vibs = own.map((r) => r.vib);
    result.set(device, [own.length, mean(temps), Math.min(...temps), Math.max(...temps), std(temps)]);
    result.get(device)!.push(latest.temp, mean(rpms), Math.max(...rpms), mean(vibs), std(vibs));
  }
  return result;
}
