#!/usr/bin/env node
// Where the host's CPU went, from .cpuprofile files (node --cpu-prof writes one per thread): each
// sample is charged to the job stage of its nearest caller that names one (a copy made inside the
// storage SDK for a partition's range download counts as "range download"), else to what it is
// (GC, socket reads that no app frame is on the stack for, idle). Also the top functions by self time.
// Usage: node bench/scoring/summarizeProfile.js <folder with .cpuprofile files> [top functions]
'use strict';
const fs = require('node:fs');
const path = require('node:path');

// First rule matching a frame (function name + file) on the way up the stack names the stage.
const stages = [
  ['trigger: blob read + trigger data', /readBlobVersion|toBlobTriggerInvocation|FunctionInvoker\.js/],
  ['plan pass', /planCsvPartitions|CsvRecordSplitter|streamBlob|LeadingChunks/],
  ['csv parse', /parseCsvPartition|CsvPartitionParser|CsvFieldScanner|parseDecimal|BatchBuilder/],
  ['output formatting', /formatCsvOutput|TextOutput|layoutOutput|formatFloat32/],
  ['output staging (stageBlock upload)', /stageBlock/],
  [
    'range download (partition read)',
    /downloadRange|downloadToBuffer|storage-blob\/dist\/commonjs\/utils\/utils\.js/,
  ],
  ['inference (ORT run, worker)', /onnxruntime|backend\.js|runSession|inferenceWorker/],
  ['inference dispatch (copies, messages)', /predictBatch|InferencePool|chunkInputs|PoolModelRunner/],
  ['job state tables', /JobStore/],
  ['durable backend / host', /dist\/src\/host|durable-functions/],
];
const byOwnFrame = [
  ['idle', /^\(idle\)/],
  ['garbage collection', /^\(garbage collector\)/],
  ['socket reads / HTTP parsing (no app caller)', /socketOnData|onStreamRead|parserOnBody|_http_/],
  ['module loading', /loader|compile|wrapSafe|readPackage/],
];

function summarize(file) {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const label = (node) => `${node.callFrame.functionName || '(anonymous)'} ${node.callFrame.url}`;
  const stageOf = (id) => {
    for (let current = id; current !== undefined; current = parent.get(current)) {
      const text = label(nodes.get(current));
      const stage = stages.find(([, pattern]) => pattern.test(text));
      if (stage) return stage[0];
    }
    const own = label(nodes.get(id));
    return byOwnFrame.find(([, pattern]) => pattern.test(own))?.[0] ?? 'other';
  };
  const byStage = new Map();
  const byFunction = new Map();
  const unattributed = new Map();
  profile.samples.forEach((id, i) => {
    const micros = profile.timeDeltas[i] ?? 0;
    const stage = stageOf(id);
    byStage.set(stage, (byStage.get(stage) ?? 0) + micros);
    if (stage === 'idle') return;
    const { functionName, url, lineNumber } = nodes.get(id).callFrame;
    const key = `${functionName || '(anonymous)'} ${url.replace(/^.*\/(node_modules|dist)\//, '$1/')}:${lineNumber + 1}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + micros);
    if (stage === 'other') unattributed.set(key, (unattributed.get(key) ?? 0) + micros);
  });
  return { byStage, byFunction, unattributed };
}

function main() {
  const [folder, top = '20'] = process.argv.slice(2);
  const seconds = (micros) => (micros / 1e6).toFixed(2).padStart(6);
  for (const name of fs.readdirSync(folder).filter((file) => file.endsWith('.cpuprofile'))) {
    const { byStage, byFunction, unattributed } = summarize(path.join(folder, name));
    const total = [...byStage.values()].reduce((a, b) => a + b, 0);
    const busy = total - (byStage.get('idle') ?? 0);
    console.log(
      `\n${name}: ${seconds(total)} s profiled, ${seconds(busy)} s busy; by stage (nearest caller):`,
    );
    for (const [stage, micros] of [...byStage].sort((a, b) => b[1] - a[1]))
      console.log(`  ${seconds(micros)} s  ${stage}`);
    const others = [...unattributed].sort((a, b) => b[1] - a[1]).slice(0, 6);
    console.log(
      `  "other" is mostly: ${others.map(([key, micros]) => `${key.split(' ')[0]} ${seconds(micros).trim()} s`).join(', ')}`,
    );
    console.log(`  top ${top} functions by self time:`);
    for (const [key, micros] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, Number(top)))
      console.log(`  ${seconds(micros)} s  ${key}`);
  }
}

main();
