#!/usr/bin/env node
// Writes simulated sensor readings (see sensorReadings.js) to a .jsonl or .csv file, for
// `durable-scoring streams send`. Usage:
//   node demo/iot/generateReadings.js <out.jsonl|out.csv> [--devices 100] [--seconds 60]
//     [--interval-ms 1000] [--start <ISO time, default now>] [--seed 1] [--wear-rate 0.004] [--labels]
'use strict';
const { createWriteStream } = require('node:fs');
const path = require('node:path');
const { parseArgs } = require('node:util');
const { sensorFields, sensorReadings } = require('./sensorReadings');

function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      devices: { type: 'string', default: '100' },
      seconds: { type: 'string', default: '60' },
      'interval-ms': { type: 'string', default: '1000' },
      start: { type: 'string' },
      seed: { type: 'string', default: '1' },
      'wear-rate': { type: 'string', default: '0.004' },
      labels: { type: 'boolean', default: false },
    },
  });
  const out = positionals[0];
  const format = out && path.extname(out).toLowerCase();
  if (format !== '.jsonl' && format !== '.csv')
    throw new Error('Name the output file: <out.jsonl> or <out.csv>.');
  const number = (name) => {
    const value = Number(values[name]);
    if (!Number.isFinite(value) || value <= 0)
      throw new Error(`--${name} ${values[name]} must be a number above 0.`);
    return value;
  };
  const startMs = values.start === undefined ? Date.now() : Date.parse(values.start);
  if (Number.isNaN(startMs))
    throw new Error(`--start ${values.start} is not a time (e.g. 2026-01-01T00:00:00Z).`);
  const readings = sensorReadings({
    devices: number('devices'),
    startMs,
    durationMs: number('seconds') * 1000,
    intervalMs: number('interval-ms'),
    seed: number('seed'),
    wearRate: Number(values['wear-rate']),
    labels: values.labels,
  });
  const columns = ['deviceId', 'timestamp', ...sensorFields, ...(values.labels ? ['wear'] : [])];
  const stream = createWriteStream(out);
  if (format === '.csv') stream.write(`${columns.join(',')}\n`);
  let count = 0;
  for (const reading of readings) {
    stream.write(
      format === '.csv' ? `${columns.map((c) => reading[c]).join(',')}\n` : `${JSON.stringify(reading)}\n`,
    );
    count++;
  }
  stream.end(() => console.log(`Wrote ${count} readings of ${values.devices} devices to ${out}.`));
}

try {
  main();
} catch (error) {
  console.error(error.message);
  process.exitCode = 1;
}
