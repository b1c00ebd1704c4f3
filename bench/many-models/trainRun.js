// One trainMany run through the real host: a fresh host (its own hub, registry table and container),
// POST /api/many-models/train, polled once a second until it ends, sampling the host's RSS and both
// processes' CPU. The host's output is written to a log file beside the figures.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const {
  startHost,
  memoryOf,
  cpuSecondsOf,
  machineBusySeconds,
  readMasterKey,
} = require('../scoring/hostProcess');
const { scoreRun } = require('./scoreRun');

const pollMs = 1000;

/**
 * ctx: { connection, azuritePid, dataContainer, id, load, scoreFile? }. Resolves with the run's figures;
 * when the run completed and ctx.scoreFile is given, `score` holds the scoring stage's (scoreRun.js).
 */
async function trainRun(ctx) {
  const settings = {
    AzureWebJobsStorage: ctx.connection,
    AzureFunctionsWebHost__hostid: `mm-bench-${ctx.id}`,
    AzureFunctionsJobHost__extensions__durableTask__hubName: `MmBench${ctx.id}`,
    MODEL_REGISTRY_TABLE: `mmbench${ctx.id}`,
    MODEL_REGISTRY_CONTAINER: `mm-models-${ctx.id}`,
    RETRAIN_RUNS_CONTAINER: `mm-runs-${ctx.id}`,
    // Jobs reach only configured containers: the dataset's, and the scoring stage's input and output.
    DATA_READ_CONTAINERS: ctx.dataContainer,
    SCORING_INPUT_CONTAINER: `mm-in-${ctx.id}`,
    SCORING_OUTPUT_CONTAINER: `mm-out-${ctx.id}`,
  };
  const host = await startHost(settings);
  const logFile = path.join(os.tmpdir(), `mm-bench-train-${ctx.id}.log`);
  try {
    const baseUrl = /Host ready at (\S+)/.exec(host.output())?.[1];
    const masterKey = await readMasterKey(ctx.connection, settings.AzureFunctionsWebHost__hostid);
    const api = (route, init = {}) =>
      fetch(`${baseUrl}/api/${route}`, {
        ...init,
        headers: { 'x-functions-key': masterKey, 'content-type': 'application/json' },
      });
    const body = {
      dataset: { container: ctx.dataContainer, prefix: 'sales' },
      model: 'sales',
      target: 'Quantity',
      time: 'WeekStarting',
      price: 'Price',
      promotion: 'Advert',
      ...JSON.parse(process.env.BENCH_TRAIN_BODY || '{}'),
    };
    const before = {
      host: cpuSecondsOf(host.pid),
      azurite: cpuSecondsOf(ctx.azuritePid),
      machine: machineBusySeconds(),
    };
    let peakRss = memoryOf(host.pid).rss;
    const started = performance.now();
    const response = await api('many-models/train', { method: 'POST', body: JSON.stringify(body) });
    if (response.status !== 202)
      throw new Error(`POST returned ${response.status}: ${await response.text()}`);
    const { runId } = await response.json();
    const deadline = started + Number(process.env.BENCH_TIMEOUT_MINUTES || 60) * 60_000;
    let run;
    let lastPrinted = 0;
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, pollMs));
      peakRss = Math.max(peakRss, memoryOf(host.pid).rss);
      run = await (await api(`many-models/train/${runId}`)).json();
      if (['Completed', 'Failed', 'Terminated'].includes(run.runtimeStatus)) break;
      if (performance.now() - lastPrinted > 15_000) {
        lastPrinted = performance.now();
        const at = ((lastPrinted - started) / 1000).toFixed(0);
        console.log(
          `  ${at} s: ${run.runtimeStatus} ${JSON.stringify(run.progress ?? {})}; host RSS ` +
            `${(memoryOf(host.pid).rss / 2 ** 20).toFixed(0)} MiB; load ${ctx.load()}`,
        );
      }
      if (performance.now() > deadline) {
        console.log(`gave up after ${((performance.now() - started) / 60_000).toFixed(0)} min`);
        break;
      }
    }
    const wall = (performance.now() - started) / 1000;
    const memory = memoryOf(host.pid);
    const trainCpu = {
      host: cpuSecondsOf(host.pid) - before.host,
      azurite: cpuSecondsOf(ctx.azuritePid) - before.azurite,
      machine: machineBusySeconds() - before.machine,
    };
    const trainLoad = ctx.load();
    const score =
      ctx.scoreFile && run.runtimeStatus === 'Completed'
        ? await scoreRun({ ...ctx, file: ctx.scoreFile, model: body.model }, api, host.pid)
        : undefined;
    return {
      score,
      runId,
      runtimeStatus: run.runtimeStatus,
      report: run.report,
      progress: run.progress,
      seconds: wall,
      hostPeakRss: Math.max(peakRss, memory.hwm),
      hostCpu: trainCpu.host,
      azuriteCpu: trainCpu.azurite,
      machineCpu: trainCpu.machine,
      load: trainLoad,
      hostErrors: errorLines(host.lines),
      logFile,
    };
  } finally {
    await host.stop();
    fs.writeFileSync(logFile, host.output());
  }
}

/** The host's first few distinct error and warning lines (the evidence when a run fails or stalls). */
function errorLines(lines) {
  const seen = new Set();
  for (const { text } of lines) {
    if (!/\b(error|warn(ing)?):/i.test(text)) continue;
    seen.add(
      text
        .replace(/^\[[^\]]*\] /, '')
        .replace(/\(attempt \d+ of/, '(attempt n of')
        .slice(0, 300),
    );
    if (seen.size >= 5) break;
  }
  return [...seen];
}

module.exports = { trainRun };
