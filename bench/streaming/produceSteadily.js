// The bench's producer: the unmodified EventHubProducerClient sending 1 KB JSON events of `devices`
// devices (a tick every 100 ms; a device's events always go to the same partition, in order).
// `produceSteadily` sends `rate` events/s for `seconds`, each event's time the time it is sent;
// `produceBacklog` sends `rate * seconds` events as fast as it can, their times spaced as if sent at
// `rate` from `firstEventAtMs`, so a consumer started afterwards reads a backlog at its own pace.
'use strict';
const { EventHubProducerClient } = require('@azure/event-hubs');
// The demo's ten sensors, so the demo's model scores the bench's windows.
const { sensorFields: fields } = require('../../demo/iot/sensorReadings');

const tickMs = 100;
const levels = [60, 45, 101.3, 1.2, 12, 230, 1500, 62, 30, 85];

/** A reading of the device at `time`, padded so its JSON is about 1,000 bytes. */
function reading(device, time, sequence) {
  const body = {
    deviceId: `dev-${String(device + 1).padStart(4, '0')}`,
    timestamp: new Date(time).toISOString(),
    seq: sequence,
  };
  fields.forEach(
    (field, i) => (body[field] = Math.round(levels[i] * (1 + 0.05 * (Math.random() - 0.5)) * 1000) / 1000),
  );
  body.pad = 'x'.repeat(Math.max(0, 1000 - JSON.stringify(body).length - 9));
  return body;
}

/**
 * Sends one tick: `count` readings from the `first`-th on, all at `time`, one batch per partition (a
 * device's readings always to the same one); each send is tracked in `inFlight` until it settles.
 */
function sendTick({ producer, partitionIds, inFlight, devices }, first, count, time) {
  const byPartition = partitionIds.map(() => []);
  for (let n = first; n < first + count; n++) {
    const device = n % devices;
    byPartition[device % partitionIds.length].push({ body: reading(device, time, n) });
  }
  byPartition.forEach((events, index) => {
    if (events.length === 0) return;
    const send = producer.sendBatch(events, { partitionId: partitionIds[index] });
    inFlight.add(send);
    send.finally(() => inFlight.delete(send)).catch(() => undefined);
  });
}

async function produceSteadily({ connection, hub, rate, seconds, devices }) {
  const producer = new EventHubProducerClient(connection, hub);
  const partitionIds = await producer.getPartitionIds();
  const perTick = Math.max(1, Math.round((rate * tickMs) / 1000));
  const inFlight = new Set();
  let sent = 0;
  let next = 0;
  const started = performance.now();
  const startedAtMs = Date.now();
  try {
    for (let tick = 0; performance.now() - started < seconds * 1000; tick++) {
      const wait = started + tick * tickMs - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      sendTick({ producer, partitionIds, inFlight, devices }, next, perTick, Date.now());
      next += perTick;
      sent += perTick;
      // A producer that falls behind waits for its sends rather than piling them up.
      if (inFlight.size > 64) await Promise.all(inFlight);
    }
    await Promise.all(inFlight);
    const endedAtMs = Date.now();
    const elapsed = (performance.now() - started) / 1000;
    return { sent, seconds: elapsed, startedAtMs, endedAtMs };
  } finally {
    await producer.close();
  }
}

async function produceBacklog({ connection, hub, rate, seconds, devices, firstEventAtMs, onProgress }) {
  const producer = new EventHubProducerClient(connection, hub);
  const partitionIds = await producer.getPartitionIds();
  const perTick = Math.max(1, Math.round((rate * tickMs) / 1000));
  const ticks = Math.round((seconds * 1000) / tickMs);
  const inFlight = new Set();
  let next = 0;
  const started = performance.now();
  try {
    for (let tick = 0; tick < ticks; tick++) {
      sendTick({ producer, partitionIds, inFlight, devices }, next, perTick, firstEventAtMs + tick * tickMs);
      next += perTick;
      if (inFlight.size > 32) await Promise.race(inFlight);
      if (tick % 50 === 49) onProgress?.(next, ticks * perTick);
    }
    await Promise.all(inFlight);
    return {
      sent: next,
      seconds: (performance.now() - started) / 1000,
      firstEventAtMs,
      lastEventAtMs: firstEventAtMs + (ticks - 1) * tickMs,
    };
  } finally {
    await producer.close();
  }
}

module.exports = { produceSteadily, produceBacklog };
