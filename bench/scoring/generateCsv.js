// Deterministic 10-feature CSV with the diabetes model's column names, streamed to a file in chunks
// of rows (never all rows in memory). Same fixed-seed generator and value shapes as parse-csv.js:
// integers and 1-4 decimals, like scikit-learn's raw diabetes data.
'use strict';
const fs = require('node:fs');
const { once } = require('node:events');

const FEATURES = ['age', 'sex', 'bmi', 'bp', 's1', 's2', 's3', 's4', 's5', 's6'];
const ROWS_PER_CHUNK = 50_000;

/** Writes `rows` data rows (plus the header) to `file`; resolves with the file's size in bytes. */
async function generateCsv(file, rows) {
  let seed = 42;
  const random = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296;
  const out = fs.createWriteStream(file);
  const wrote = (text) => (out.write(text) ? undefined : once(out, 'drain'));
  await wrote(FEATURES.join(',') + '\n');
  for (let done = 0; done < rows;) {
    const lines = [];
    const end = Math.min(rows, done + ROWS_PER_CHUNK);
    for (; done < end; done++) {
      lines.push(
        `${19 + Math.floor(random() * 60)},${1 + Math.floor(random() * 2)},${(18 + random() * 24).toFixed(1)},` +
          `${(62 + random() * 71).toFixed(2)},${97 + Math.floor(random() * 204)},${(41.6 + random() * 200).toFixed(1)},` +
          `${22 + Math.floor(random() * 78)},${(2 + random() * 7).toFixed(2)},${(3.2 + random() * 3).toFixed(4)},` +
          `${58 + Math.floor(random() * 66)}`,
      );
    }
    await wrote(lines.join('\n') + '\n');
  }
  out.end();
  await once(out, 'finish');
  return fs.statSync(file).size;
}

module.exports = { generateCsv, FEATURES };
