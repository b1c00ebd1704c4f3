// Sensor readings for window stream tests, and the features a window should compute from them, the
// plain way (two passes per device), independent of the app's aggregation code.

export interface Reading {
  deviceId: string;
  at: string;
  temp: number;
  rpm: number;
  vib: number;
}

/** The features window tests use, in the model's order. */
export const sensorFeatures = [
  'count',
  'temp_mean',
  'temp_min',
  'temp_max',
  'temp_std',
  'temp_last',
  'rpm_mean',
  'rpm_max',
  'vib_mean',
  'vib_std',
];

/** 10 readings per device at seconds [from, to) after `base`, in a scrambled (seeded) order. */
export function readings(base: number, from: number, to: number, devices: number, seed: number): Reading[] {
  const list: Reading[] = [];
  let state = seed;
  const next = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let device = 0; device < devices; device++)
    for (let n = 0; n < 10; n++) {
      const at = base + (from + next() * (to - from)) * 1000;
      list.push({
        deviceId: `dev${device}`,
        at: new Date(Math.floor(at)).toISOString(),
        temp: 20 + next() * 40,
        rpm: 1000 + next() * 500,
        vib: next() * 3,
      });
    }
  return list;
}

/** Each device's `sensorFeatures` over the readings in [start, start + size) (epoch ms). */
export function directFeatures(list: readonly Reading[], start: number, size: number): Map<string, number[]> {
  const inWindow = list.filter((r) => Date.parse(r.at) >= start && Date.parse(r.at) < start + size);
  const byDevice = new Map<string, Reading[]>();
  for (const r of inWindow) byDevice.set(r.deviceId, [...(byDevice.get(r.deviceId) ?? []), r]);
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  const std = (values: number[]) => Math.sqrt(mean(values.map((v) => (v - mean(values)) ** 2)));
  const result = new Map<string, number[]>();
  for (const [device, own] of byDevice) {
    const temps = own.map((r) => r.temp);
    const latest = [...own].sort((a, b) => Date.parse(a.at) - Date.parse(b.at)).at(-1)!;
    result.set(device, [
      own.length,
      mean(temps),
      Math.min(...temps),
      Math.max(...temps),
      std(temps),
      latest.temp,
      mean(own.map((r) => r.rpm)),
      Math.max(...own.map((r) => r.rpm)),
      mean(own.map((r) => r.vib)),
      std(own.map((r) => r.vib)),
    ]);
  }
  return result;
}
