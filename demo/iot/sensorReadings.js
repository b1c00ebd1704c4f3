'use strict';
// Simulated sensor readings for the IoT streaming demo: every device reports ten numeric sensors at a
// fixed interval. Now and then a device starts to wear out for a while: its `wear` (0 to 1, hidden from
// the stream unless asked for) climbs, and it runs hotter, shakes more and noisier, draws more current
// and slows down. The model learns to estimate a window's wear from the window's aggregates.

/** The ten sensor fields of a reading, in order. */
const sensorFields = [
  'temp',
  'humidity',
  'pressure',
  'vibration',
  'current',
  'voltage',
  'rpm',
  'noise',
  'flow',
  'torque',
];

/** Normal levels and noise of each sensor, and how far full wear moves it. */
const sensors = {
  temp: { level: 60, spread: 4, noise: 0.6, wear: 9 },
  humidity: { level: 45, spread: 8, noise: 1.5, wear: 0 },
  pressure: { level: 101.3, spread: 0.8, noise: 0.2, wear: -0.6 },
  vibration: { level: 1.2, spread: 0.2, noise: 0.15, wear: 1.1 },
  current: { level: 12, spread: 1, noise: 0.3, wear: 3 },
  voltage: { level: 230, spread: 2, noise: 1, wear: 0 },
  rpm: { level: 1500, spread: 60, noise: 12, wear: -180 },
  noise: { level: 62, spread: 3, noise: 1, wear: 7 },
  flow: { level: 30, spread: 3, noise: 0.8, wear: -3 },
  torque: { level: 85, spread: 5, noise: 1.5, wear: 6 },
};

/** A small seeded generator (mulberry32): the same seed gives the same readings. */
function randomSource(seed) {
  let state = seed >>> 0;
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  return { uniform, normal };
}

function deviceId(index) {
  return `dev-${String(index + 1).padStart(4, '0')}`;
}

/**
 * Readings of `devices` devices, one each every `intervalMs` from `startMs` for `durationMs`, in time
 * order. `wearRate` is the chance per reading that a healthy device starts to wear (an episode climbs
 * to full wear over 20 to 60 readings, then the device is repaired). With `labels`, each reading also
 * carries its `wear`, for training.
 */
function* sensorReadings(options) {
  const {
    devices,
    startMs,
    durationMs,
    intervalMs = 1000,
    seed = 1,
    wearRate = 0.004,
    labels = false,
  } = options;
  const random = randomSource(seed);
  const state = Array.from({ length: devices }, () => ({
    base: Object.fromEntries(
      sensorFields.map((f) => [f, sensors[f].level + random.normal() * sensors[f].spread]),
    ),
    episode: 0,
    length: 0,
  }));
  for (let time = startMs; time < startMs + durationMs; time += intervalMs) {
    const timestamp = new Date(time).toISOString();
    for (let index = 0; index < devices; index++) {
      const device = state[index];
      if (device.length === 0 && random.uniform() < wearRate)
        device.length = 20 + Math.floor(random.uniform() * 41);
      const wear = device.length === 0 ? 0 : Math.min(1, device.episode / device.length);
      if (device.length > 0 && ++device.episode > device.length) device.episode = device.length = 0;
      const reading = { deviceId: deviceId(index), timestamp };
      for (const field of sensorFields) {
        const { noise, wear: shift } = sensors[field];
        // Wear also makes vibration and noise jumpier, which the windows' std sees.
        const jitter = field === 'vibration' || field === 'noise' ? 1 + 3 * wear : 1;
        reading[field] = round(device.base[field] + shift * wear + random.normal() * noise * jitter);
      }
      if (labels) reading.wear = round(wear);
      yield reading;
    }
  }
}

function round(value) {
  return Math.round(value * 1000) / 1000;
}

module.exports = { sensorFields, sensorReadings };
