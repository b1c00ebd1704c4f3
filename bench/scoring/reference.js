#!/usr/bin/env node
// The one-process reference the project is compared with: stream-parse a CSV with a hand-written
// parser (not the app's), run onnxruntime-node on batches of 64k rows (one intra-op thread: one
// process on one core), write the predictions (one `String(value)` per line under the output's name)
// to a local file. Two parsers:
//   bytes  a byte-level loop over the read chunks (digits accumulated, no strings): the strong reference
//   split  readline + line.split(',') + Number(): the most straightforward script
// Usage: node bench/scoring/reference.js <input.csv> <model.onnx> <output.csv> [bytes|split]
// Prints one JSON line: rows, bad rows, seconds, rows/s, and where the time went.
'use strict';
const fs = require('node:fs');
const { once } = require('node:events');
const readline = require('node:readline');
const ort = require('onnxruntime-node');

const BATCH_ROWS = 65_536;
const FEATURES = ['age', 'sex', 'bmi', 'bp', 's1', 's2', 's3', 's4', 's5', 's6'];
const [input, modelPath, outputPath, parser = 'bytes'] = process.argv.slice(2);

async function main() {
  const started = performance.now();
  const session = await ort.InferenceSession.create(modelPath, { intraOpNumThreads: 1 });
  const inputName = session.inputNames[0];
  const outputName = session.outputNames[0];
  const out = fs.createWriteStream(outputPath);
  out.write(`${outputName}\n`);
  const features = new Float32Array(BATCH_ROWS * FEATURES.length);
  const times = { parse: 0, infer: 0, format: 0 };
  let rows = 0;
  let filled = 0;

  async function flush() {
    if (filled === 0) return;
    let t = performance.now();
    const tensor = new ort.Tensor('float32', features.subarray(0, filled * FEATURES.length), [
      filled,
      FEATURES.length,
    ]);
    const values = (await session.run({ [inputName]: tensor }))[outputName].data;
    times.infer += performance.now() - t;
    t = performance.now();
    let text = '';
    for (let i = 0; i < filled; i++) text += values[i] + '\n';
    times.format += performance.now() - t;
    rows += filled;
    filled = 0;
    if (!out.write(text)) await once(out, 'drain');
  }

  const read = parser === 'split' ? readSplit : readBytes;
  // A promise only when the batch is full: no await per row.
  const rowDone = () => (++filled === BATCH_ROWS ? flush() : undefined);
  const bad = await read(features, times, rowDone, () => filled * FEATURES.length);
  await flush();
  out.end();
  await once(out, 'finish');
  const seconds = (performance.now() - started) / 1000;
  const usage = process.resourceUsage();
  console.log(
    JSON.stringify({
      parser,
      rows,
      bad,
      seconds,
      rowsPerSecond: rows / seconds,
      parseSeconds: times.parse / 1000,
      inferSeconds: times.infer / 1000,
      formatSeconds: times.format / 1000,
      cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6,
      maxRssMiB: usage.maxRSS / 1024,
    }),
  );
}

/** readline + split + Number: a line is bad when a feature is not a number or fields are missing. */
async function readSplit(features, times, rowDone, offsetOf) {
  const lines = readline.createInterface({
    input: fs.createReadStream(input, { highWaterMark: 1 << 20 }),
    crlfDelay: Infinity,
  });
  let indexes;
  let bad = 0;
  let t = performance.now();
  for await (const line of lines) {
    if (indexes === undefined) {
      const names = line.trim().split(',');
      indexes = FEATURES.map((name) => names.indexOf(name));
      if (indexes.includes(-1)) throw new Error(`missing columns in ${names}`);
      continue;
    }
    const fields = line.split(',');
    const offset = offsetOf();
    let ok = fields.length === indexes.length;
    for (let k = 0; k < FEATURES.length && ok; k++) {
      const value = Number(fields[indexes[k]]);
      ok = fields[indexes[k]] !== '' && !Number.isNaN(value);
      features[offset + k] = value;
    }
    if (!ok) {
      bad++;
      continue;
    }
    const full = rowDone();
    if (full) {
      times.parse += performance.now() - t;
      await full;
      t = performance.now();
    }
  }
  times.parse += performance.now() - t;
  return bad;
}

/** The byte-level parser over the read stream's chunks (a partial last line is carried over). */
async function readBytes(features, times, rowDone, offsetOf) {
  let columns; // column index → feature index (-1: not a feature)
  let bad = 0;
  let carry = Buffer.alloc(0);
  for await (const chunk of fs.createReadStream(input, { highWaterMark: 1 << 20 })) {
    let t = performance.now();
    const bytes = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
    let pos = 0;
    if (columns === undefined) {
      const eol = bytes.indexOf(10);
      if (eol < 0) {
        carry = bytes;
        continue;
      }
      const names = bytes.toString('utf8', 0, eol).trim().split(',');
      columns = names.map((name) => FEATURES.indexOf(name));
      if (FEATURES.some((name) => !names.includes(name))) throw new Error(`missing columns in ${names}`);
      pos = eol + 1;
    }
    const end = bytes.lastIndexOf(10) + 1;
    while (pos < end) {
      const next = parseLine(bytes, pos, columns, features, offsetOf());
      if (next < 0) {
        bad++;
        pos = bytes.indexOf(10, pos) + 1;
      } else {
        pos = next;
        const full = rowDone();
        if (full) {
          times.parse += performance.now() - t;
          await full;
          t = performance.now();
        }
      }
    }
    carry = bytes.subarray(end);
    times.parse += performance.now() - t;
  }
  return bad;
}

/**
 * Parses the line at `pos` into `features[offset..]`; returns the next line's start, or -1 when a
 * field is not a plain decimal number or the line has the wrong number of fields.
 */
function parseLine(bytes, pos, columns, features, offset) {
  let column = 0;
  let i = pos;
  for (;;) {
    let negative = false;
    let value = 0;
    let scale = 0;
    let digits = 0;
    let c = bytes[i];
    if (c === 45) {
      negative = true;
      c = bytes[++i];
    }
    while (c >= 48 && c <= 57) {
      value = value * 10 + (c - 48);
      digits++;
      c = bytes[++i];
    }
    if (c === 46) {
      c = bytes[++i];
      while (c >= 48 && c <= 57) {
        value = value * 10 + (c - 48);
        scale++;
        digits++;
        c = bytes[++i];
      }
    }
    if (c === 13) c = bytes[++i];
    if (digits === 0 || (c !== 44 && c !== 10)) return -1;
    const feature = columns[column];
    if (feature === undefined) return -1;
    if (feature >= 0) features[offset + feature] = (negative ? -value : value) / 10 ** scale;
    column++;
    i++;
    if (c === 10) return column === columns.length ? i : -1;
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
