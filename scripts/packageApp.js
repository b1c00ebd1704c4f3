#!/usr/bin/env node
// `npm run package`: the zip that zip deploy (or `func azure functionapp publish --no-build`) uploads:
// the app as .funcignore leaves it (host.json, package.json, dist/ without the embedded host and CLI,
// models/, data/) and node_modules with the production dependencies only, copied from the installed
// tree (offline, and the same bytes for the same tree). Native binaries are this machine's: package
// on Linux x64 for a Linux Function App (CI does). Run `npm run build` first (npm run package does).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { appFiles, dependencyFiles } = require('./package/packageFiles');
const { ZipWriter } = require('./package/zipWriter');

const root = path.resolve(__dirname, '..');

function parseArgs(argv) {
  const options = { out: path.join(root, 'dist', 'package', 'durable-scoring.zip') };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out' && argv[i + 1]) options.out = path.resolve(argv[++i]);
    else throw new Error(`Unknown argument "${argv[i]}". Usage: packageApp.js [--out <file.zip>]`);
  }
  return options;
}

function packageApp({ out }) {
  if (!fs.existsSync(path.join(root, 'dist', 'functions')))
    throw new Error('dist/functions is missing: run "npm run build" first.');
  const app = appFiles(root);
  const dependencies = dependencyFiles(root);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const zip = new ZipWriter(out);
  let bytes = 0;
  for (const file of [...app, ...dependencies]) {
    const full = path.join(root, file);
    const data = fs.readFileSync(full);
    zip.add(file, data, fs.statSync(full).mode & 0o111 ? 0o755 : 0o644);
    bytes += data.length;
  }
  const zipped = zip.finish();
  return { out, files: app.length + dependencies.length, appFiles: app.length, bytes, zipped };
}

const mib = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

try {
  const started = Date.now();
  const result = packageApp(parseArgs(process.argv.slice(2)));
  console.log(
    `Packaged ${result.files} files (${result.appFiles} of the app, ${result.files - result.appFiles} of ` +
      `production dependencies for ${process.platform}-${process.arch}): ${mib(result.bytes)} unzipped, ` +
      `${mib(result.zipped)} zipped, in ${((Date.now() - started) / 1000).toFixed(1)} s.`,
  );
  console.log(`Wrote ${path.relative(process.cwd(), result.out) || result.out}`);
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
