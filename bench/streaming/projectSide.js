// The project's side of the bench: the embedded host running this app. `endpointOnly` serves the hub
// (for the reference) with no stream reading it.
'use strict';
const { spawn } = require('node:child_process');
const path = require('node:path');

function startHost(root, env) {
  const child = spawn(
    process.execPath,
    [path.join(root, 'bin/durable-scoring.js'), 'host', root, '--port', '0'],
    {
      env: { ...process.env, 'AzureWebJobs.retrainOnSchedule.Disabled': 'true', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk) => {
      output += chunk;
      const ready = /Host ready at (http:\/\/\S+)/.exec(output);
      if (ready) resolve({ child, baseUrl: ready[1], output: () => output });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk) => (output += chunk));
    child.once('exit', (code) => reject(new Error(`the host exited (${code}): ${output.slice(-2000)}`)));
  });
}

function stopper(child) {
  return () => {
    if (child.exitCode !== null) return Promise.resolve();
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    return exited;
  };
}

const projectSide = {
  async endpointOnly({ root, storage, amqpPort, hub }) {
    const host = await startHost(root, {
      AzureWebJobsStorage: storage,
      DurableScoring__EventHubs__Enabled: 'true',
      DurableScoring__EventHubs__Port: String(amqpPort),
      DurableScoring__EventHubs__Hubs: hub,
      STREAMS_DIRECTORY: path.join(root, 'bench', 'streaming', 'no-streams'),
    });
    return { pid: host.child.pid, stop: stopper(host.child) };
  },

  async start() {
    throw new Error(
      'The project side needs windowed streams (mode "window"), which this build does not run yet: ' +
        'run with BENCH_PROJECT=0 for the reference alone.',
    );
  },
};

module.exports = { projectSide };
