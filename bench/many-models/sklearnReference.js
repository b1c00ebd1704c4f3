// Runs the in-memory pandas + scikit-learn reference (sklearnReference.py) on the benchmark's own files,
// in the same run, so its figures sit next to the project's from the same machine state.
// BENCH_PYTHON: the Python to use (default: the first of python3, /usr/bin/python3 that has numpy, pandas
// and scikit-learn). BENCH_REFERENCE=0 skips it.
'use strict';
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const script = path.join(__dirname, 'sklearnReference.py');
const needs = 'import numpy, pandas, sklearn';

function findPython() {
  const candidates = process.env.BENCH_PYTHON ? [process.env.BENCH_PYTHON] : ['python3', '/usr/bin/python3'];
  return candidates.find((python) => spawnSync(python, ['-c', needs], { stdio: 'ignore' }).status === 0);
}

/**
 * Resolves with the reference's own figures (read, compute, features seconds, peak RSS, counts) plus
 * `wallSeconds` (process start to exit, interpreter and imports included), or `{ skipped: reason }`.
 */
function measureSklearnReference(trainFile, scoreFile) {
  if (process.env.BENCH_REFERENCE === '0') return { skipped: 'BENCH_REFERENCE=0' };
  const python = findPython();
  if (!python)
    return {
      skipped:
        'no Python with numpy, pandas and scikit-learn (Debian: apt-get install python3-pandas python3-sklearn; or set BENCH_PYTHON)',
    };
  console.log(`running the pandas + scikit-learn reference (${python}) on the same files…`);
  const started = performance.now();
  const run = spawnSync(python, [script, trainFile, scoreFile], {
    encoding: 'utf8',
    maxBuffer: 2 ** 24,
  });
  const wallSeconds = (performance.now() - started) / 1000;
  const last = run.stdout.trim().split('\n').at(-1) ?? '';
  if (run.status !== 0 || !last.startsWith('{'))
    return { skipped: `the reference failed (exit ${run.status}): ${run.stderr.trim().slice(-500)}` };
  return { ...JSON.parse(last), python, wallSeconds };
}

module.exports = { measureSklearnReference };
