// Compares the project's predictions file with the reference's, line by line (streamed): same header,
// same number of rows, each value equal within float32 precision (the project writes float32s, the
// reference the model's float64 output).
'use strict';
const fs = require('node:fs');
const readline = require('node:readline');

/** Resolves with { rows, maxRelativeError }; rejects naming the first line that differs. */
async function verifyPredictions(projectFile, referenceFile) {
  const lines = (file) => {
    const reader = readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity });
    return reader[Symbol.asyncIterator]();
  };
  const project = lines(projectFile);
  const reference = lines(referenceFile);
  let line = 0;
  let maxRelativeError = 0;
  for (;;) {
    const [a, b] = await Promise.all([project.next(), reference.next()]);
    line++;
    if (a.done || b.done) {
      if (a.done !== b.done) throw new Error(`line counts differ at line ${line} (project ended: ${a.done})`);
      return { rows: line - 2, maxRelativeError };
    }
    if (line === 1) {
      if (a.value !== b.value) throw new Error(`headers differ: ${a.value} vs ${b.value}`);
      continue;
    }
    const x = Number(a.value);
    const y = Number(b.value);
    const error = Math.abs(x - y) / Math.max(1, Math.abs(y));
    if (!(error <= 1e-6)) throw new Error(`line ${line}: project ${a.value}, reference ${b.value}`);
    if (error > maxRelativeError) maxRelativeError = error;
  }
}

module.exports = { verifyPredictions };
