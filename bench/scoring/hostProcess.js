// The project host as a child process (`durable-scoring host . --port 0`), with every stdout line kept
// with its arrival time (for the job timeline), and /proc readings of a process's memory and CPU.
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');
const { BlobServiceClient } = require(path.join(root, 'node_modules/@azure/storage-blob'));
const running = new Set();
// A benchmark stopped early (Ctrl+C, timeout) must not leave a host behind; Azurite exits by itself.
process.once('exit', () => running.forEach((child) => child.kill('SIGKILL')));
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => process.exit(130));

/** Starts the host on the project folder with these app settings; resolves once it is ready. */
function startHost(settings) {
  const nodeArgs = process.env.BENCH_HOST_NODE_ARGS ? process.env.BENCH_HOST_NODE_ARGS.split(' ') : [];
  const child = spawn(
    process.execPath,
    [...nodeArgs, path.join(root, 'bin/durable-scoring.js'), 'host', root, '--port', '0'],
    { cwd: root, env: { ...process.env, ...settings }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const lines = [];
  let partial = '';
  child.stdout.on('data', (chunk) => {
    const at = performance.now();
    const parts = (partial + chunk).split('\n');
    partial = parts.pop();
    for (const text of parts) lines.push({ at, text });
  });
  let errors = '';
  child.stderr.on('data', (chunk) => (errors += chunk));
  running.add(child);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  void exited.then(() => running.delete(child));
  const host = {
    pid: child.pid,
    lines,
    output: () => lines.map((line) => line.text).join('\n') + '\n' + errors,
    async stop() {
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`host did not start:\n${host.output()}`)), 60_000);
    const check = setInterval(() => {
      if (lines.some((line) => line.text.includes('Host ready at'))) {
        clearInterval(check);
        clearTimeout(timer);
        resolve(host);
      }
    }, 20);
    void exited.then((code) => {
      clearInterval(check);
      clearTimeout(timer);
      reject(new Error(`host exited (${code}):\n${host.output()}`));
    });
  });
}

/** The master key a host with this host id keeps in the storage account's secrets container. */
async function readMasterKey(connection, hostId) {
  const blob = BlobServiceClient.fromConnectionString(connection)
    .getContainerClient('azure-webjobs-secrets')
    .getBlockBlobClient(`${hostId}/host.json`);
  return JSON.parse((await blob.downloadToBuffer()).toString()).masterKey.value;
}

/** VmRSS / VmHWM of a process in bytes (0 when it is gone). */
function memoryOf(pid) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
    return { rss: kib('VmRSS'), hwm: kib('VmHWM') };
  } catch {
    return { rss: 0, hwm: 0 };
  }
}

const ticksPerSecond = 100; // USER_HZ on Linux

/** User + system CPU seconds a process has used so far (all its threads). */
function cpuSecondsOf(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
  } catch {
    return 0;
  }
}

/** The pid of this process's Azurite child (started by startAzurite), for its CPU and memory. */
function findAzuritePid() {
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== process.pid) continue;
      if (fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('azurite')) return Number(entry);
    } catch {
      // The process ended while we looked.
    }
  }
  return undefined;
}

/** CPU seconds the whole machine has been busy (all cores, every process), from /proc/stat. */
function machineBusySeconds() {
  const [user, nice, system, , , irq, softirq, steal] = fs
    .readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  return (user + nice + system + irq + softirq + steal) / ticksPerSecond;
}

/**
 * Other sessions share this machine (tests, builds): waits until the whole machine has used less than
 * `maxCores` over a 1 s window (our idle host and Azurite included), for at most `timeoutMs`.
 * Resolves with the last window's load in cores.
 */
async function waitForQuiet(maxCores = 0.25, timeoutMs = 120_000) {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const before = machineBusySeconds();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const load = machineBusySeconds() - before;
    if (load < maxCores || performance.now() > deadline) return load;
  }
}

module.exports = {
  startHost,
  readMasterKey,
  memoryOf,
  cpuSecondsOf,
  findAzuritePid,
  machineBusySeconds,
  waitForQuiet,
};
