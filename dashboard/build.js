#!/usr/bin/env node
// `npm run build` (after tsc): bundles the dashboard's page (dashboard/src, TypeScript and CSS, uPlot
// from node_modules) into dist/dashboard/ with content-hashed names, and writes its index.html naming
// them. The app serves that folder (src/dashboard); nothing is fetched from another origin.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const esbuild = require('esbuild');

const root = path.resolve(__dirname, '..');
const out = path.join(root, 'dist', 'dashboard');

async function buildDashboard() {
  fs.rmSync(out, { recursive: true, force: true });
  const result = await esbuild.build({
    entryPoints: { app: path.join(root, 'dashboard', 'src', 'main.ts') },
    bundle: true,
    minify: true,
    format: 'esm',
    target: ['es2022'],
    outdir: out,
    entryNames: '[name]-[hash]',
    metafile: true,
    logLevel: 'warning',
  });
  const outputs = Object.keys(result.metafile.outputs).map((file) => path.basename(file));
  const js = outputs.find((name) => /^app-.*\.js$/.test(name));
  const css = outputs.find((name) => /^app-.*\.css$/.test(name));
  if (!js || !css)
    throw new Error(`The dashboard bundle is missing its script or styles: ${outputs.join(', ')}`);
  const page = fs
    .readFileSync(path.join(root, 'dashboard', 'index.html'), 'utf8')
    .replace('{{js}}', js)
    .replace('{{css}}', css);
  fs.writeFileSync(path.join(out, 'index.html'), page);
  return outputs;
}

buildDashboard().catch((error) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
