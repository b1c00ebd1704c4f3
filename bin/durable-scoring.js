#!/usr/bin/env node
'use strict';
const path = require('node:path');
const entry = path.join(__dirname, '..', 'dist', 'src', 'cli', 'main.js');
try {
  require.resolve(entry);
} catch {
  console.error('durable-scoring is not built yet: run "npm run build" in ' + path.join(__dirname, '..'));
  process.exit(1);
}
require(entry)
  .main(process.argv)
  .catch((error) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
