// One partition run in its own process, so that its peak RSS is its own: prints one JSON line.
// Usage: node partitionOnce.js <streaming|in-memory|duckdb> <input.csv> <outDir> [memoryBudgetBytes]
'use strict';
const path = require('node:path');
const root = path.resolve(__dirname, '../..');

const [method, input, outDir, budget] = process.argv.slice(2);
const KEYS = ['Store', 'Brand'];

async function partition() {
  if (method === 'duckdb') return partitionWithDuckDb();
  const { partitionCsvByKeys } = require(path.join(root, 'dist/src/manyModels/data/partitionCsvByKeys.js'));
  const memoryBudgetBytes = method === 'in-memory' ? Infinity : Number(budget);
  const index = await partitionCsvByKeys(input, { keys: KEYS, outDir, memoryBudgetBytes });
  return { rows: index.source.rows, partitions: index.partitions.length };
}

// DuckDB's own partitioned COPY, as a candidate (not a dependency: DUCKDB_MODULE names where it is installed).
async function partitionWithDuckDb() {
  const { DuckDBInstance } = require(process.env.DUCKDB_MODULE || '@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:', { threads: '2', memory_limit: '1GB' });
  const connection = await instance.connect();
  const quoted = (text) => `'${text.replaceAll("'", "''")}'`;
  await connection.run(
    `COPY (SELECT * FROM read_csv(${quoted(input)}, header = true, all_varchar = true)) TO ${quoted(outDir)} ` +
      `(FORMAT csv, PARTITION_BY (${KEYS.join(', ')}), WRITE_PARTITION_COLUMNS true)`,
  );
  const reader = await connection.runAndReadAll(`SELECT count(*)::INTEGER FROM read_csv(${quoted(input)})`);
  return { rows: reader.getRows()[0][0], partitions: null };
}

const started = process.hrtime.bigint();
partition().then(
  (result) => {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const maxRssBytes = process.resourceUsage().maxRSS * 1024;
    console.log(JSON.stringify({ method, seconds, maxRssBytes, ...result }));
  },
  (error) => {
    console.error(error);
    process.exitCode = 1;
  },
);
