#!/usr/bin/env node
// Writes synthetic weekly sales for the many-models workload (one series per Store × Brand) to --out
// (default sales-<series>x<rows>-seed<seed>.csv in the folder npm was run from; `--out -`: stdout).
// The file is written under a .partial name and renamed when complete. The logic is
// src/manyModels/data; run `npm run build` first (npm run gen:many-models does).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { once } = require('node:events');
const { Command, InvalidArgumentError } = require('commander');
const root = path.resolve(__dirname, '..');
const { writeSalesData } = require(path.join(root, 'dist/src/manyModels/data/writeSalesData.js'));

const integer = (value) => {
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number < 0) throw new InvalidArgumentError('expected an integer ≥ 0');
  return number;
};

const options = new Command('gen:many-models')
  .description('Synthetic weekly sales (WeekStarting, Store, Brand, Quantity, Advert, Price, demographics)')
  .option('--series <n>', 'store × brand series', integer, 10_000)
  .option('--rows <n>', 'data rows in all', integer, 40_000_000)
  .option('--seed <n>', 'same seed, same bytes', integer, 1)
  .option('--out <file>', 'output CSV file, - for stdout (default: sales-<series>x<rows>-seed<seed>.csv)')
  .parse()
  .opts();

// `… | head` closes the pipe early: that is not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

// npm runs scripts in the package's folder; a relative path means the folder the command was typed in.
const toStdout = options.out === '-';
const file = toStdout
  ? undefined
  : path.resolve(
      process.env.INIT_CWD ?? process.cwd(),
      options.out ?? `sales-${options.series}x${options.rows}-seed${options.seed}.csv`,
    );

async function main() {
  const out = file ? fs.createWriteStream(`${file}.partial`) : process.stdout;
  const started = Date.now();
  let nextReport = 0;
  const { rows, bytes } = await writeSalesData(out, options, ({ rows, bytes, totalRows }) => {
    if (Date.now() < nextReport) return;
    nextReport = Date.now() + 2000;
    const percent = totalRows > 0 ? Math.floor((100 * rows) / totalRows) : 100;
    process.stderr.write(`${percent}% ${rows} rows, ${(bytes / 1e6).toFixed(0)} MB\n`);
  });
  if (file) {
    out.end();
    await once(out, 'finish');
    fs.renameSync(`${file}.partial`, file);
  }
  const seconds = (Date.now() - started) / 1000;
  // Rows go week by week over the series: with fewer rows than series, only that many series have any.
  process.stderr.write(
    `Wrote ${rows} rows (${Math.min(options.series, rows)} series, ${(bytes / 1e6).toFixed(1)} MB) ` +
      `${file ? `to ${file} ` : ''}in ${seconds.toFixed(1)} s\n`,
  );
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
