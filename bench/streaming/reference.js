// The reference, in its own process: a plain EventHubConsumerClient reading every partition of the hub
// from the start, per-device tumbling windows on event time computed in memory (the demo's aggregates),
// a window closed once the latest event time seen passes its end plus the lateness (the rule windowed
// streams use), its rows scored with onnxruntime-node in one run and appended to a JSON Lines file.
// Driven over IPC by run.js: { total } says how many events to expect; it answers with its figures.
'use strict';
const { appendFile } = require('node:fs/promises');
const { EventHubConsumerClient, earliestEventPosition } = require('@azure/event-hubs');
const { InferenceSession, Tensor } = require('onnxruntime-node');

const [connection, hub, modelPath, windowMsText, latenessMsText, outFile, featuresText] =
  process.argv.slice(2);
const windowMs = Number(windowMsText);
const latenessMs = Number(latenessMsText);
const features = featuresText.split(',');
const fields = [...new Set(features.map((name) => name.slice(0, name.lastIndexOf('_'))))];

const open = new Map(); // windowStartMs -> Map(deviceId -> figures)
const closed = new Set();
const windows = []; // { start, events, closedAt, writtenAt, byWatermark }
let session;
let watermark = -Infinity;
let received = 0;
let late = 0;
let scored = 0;
let firstReceivedAt;
let lastScoredAt;
let expected = Infinity;
let closing = Promise.resolve();

function add(reading) {
  const at = Date.parse(reading.timestamp);
  const start = Math.floor(at / windowMs) * windowMs;
  if (closed.has(start)) {
    late++;
    return;
  }
  let devices = open.get(start);
  if (!devices) open.set(start, (devices = new Map()));
  let figures = devices.get(reading.deviceId);
  if (!figures) {
    figures = {
      count: 0,
      fields: Object.fromEntries(
        fields.map((f) => [f, { mean: 0, squares: 0, max: -Infinity, min: Infinity, last: 0 }]),
      ),
    };
    devices.set(reading.deviceId, figures);
  }
  figures.count++;
  for (const field of fields) {
    const f = figures.fields[field];
    const value = reading[field];
    const delta = value - f.mean;
    f.mean += delta / figures.count;
    f.squares += delta * (value - f.mean);
    if (value > f.max) f.max = value;
    if (value < f.min) f.min = value;
    f.last = value;
  }
  if (at > watermark) watermark = at;
}

function featureValue(figures, name) {
  const split = name.lastIndexOf('_');
  const f = figures.fields[name.slice(0, split)];
  const aggregate = name.slice(split + 1);
  if (aggregate === 'std') return Math.sqrt(f.squares / figures.count);
  return f[aggregate];
}

/** Scores a window's devices in one onnxruntime run and appends the rows; records close → written. */
async function closeWindow(start, closedAt, byWatermark) {
  const devices = open.get(start);
  open.delete(start);
  closed.add(start);
  const ids = [...devices.keys()];
  const data = new Float32Array(ids.length * features.length);
  ids.forEach((id, row) =>
    features.forEach(
      (name, column) => (data[row * features.length + column] = featureValue(devices.get(id), name)),
    ),
  );
  const input = new Tensor('float32', data, [ids.length, features.length]);
  const output = await session.run({ [session.inputNames[0]]: input });
  const scores = output[session.outputNames[0]].data;
  const lines = ids.map((id, row) =>
    JSON.stringify({
      windowStart: new Date(start).toISOString(),
      deviceId: id,
      count: devices.get(id).count,
      score: scores[row],
    }),
  );
  await appendFile(outFile, `${lines.join('\n')}\n`);
  lastScoredAt = performance.now();
  for (const figures of devices.values()) scored += figures.count;
  windows.push({
    start,
    events: ids.reduce((sum, id) => sum + devices.get(id).count, 0),
    closedAt,
    writtenAt: Date.now(),
    byWatermark,
  });
}

function closeDue() {
  const now = Date.now();
  for (const start of [...open.keys()].sort((a, b) => a - b)) {
    if (start + windowMs + latenessMs > watermark) break;
    closing = closing.then(() => closeWindow(start, now, true));
  }
}

async function main() {
  session = await InferenceSession.create(modelPath);
  const consumer = new EventHubConsumerClient('bench-reference', connection, hub);
  const subscription = consumer.subscribe(
    {
      processEvents: async (events) => {
        if (events.length === 0) return;
        firstReceivedAt ??= performance.now();
        for (const event of events) add(event.body);
        received += events.length;
        closeDue();
        if (received >= expected) await finish(subscription, consumer);
      },
      processError: async (error) => console.error(`reference: ${error.message}`),
    },
    { startPosition: earliestEventPosition, maxBatchSize: 1000, maxWaitTimeInSeconds: 1 },
  );
  process.on('message', async (message) => {
    expected = message.total;
    if (received >= expected) await finish(subscription, consumer);
  });
  process.send({ ready: true });
}

let finished = false;
async function finish(subscription, consumer) {
  if (finished) return;
  finished = true;
  // The stream ends here: the windows still open close now (run.js leaves them out of the latencies).
  for (const start of [...open.keys()].sort((a, b) => a - b))
    closing = closing.then(() => closeWindow(start, Date.now(), false));
  await closing;
  await subscription.close();
  await consumer.close();
  const seconds = (lastScoredAt - firstReceivedAt) / 1000;
  process.send({
    received,
    scored,
    late,
    seconds,
    eventsPerSecond: scored / seconds,
    windows,
    rssBytes: process.memoryUsage().rss,
  });
  process.exit(0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
