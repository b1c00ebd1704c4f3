// What run.js prints: progress lines per run, then the medians, the job timeline, the settings table
// and the ratios against the goals of issue 4.
'use strict';

const PANDAS_ROWS_PER_SECOND = 470_000; // pandas + onnxruntime, as recorded for the project (issue 4)
const GOALS = { vsReference: 1.3, vsPandas: 2, rssBytes: 1e9 };

const n = (value) => Math.round(value).toLocaleString('en-US');
const s = (value) => value.toFixed(2);
const ms = (value) => `${Math.round(value)} ms`;
const mb = (bytes) => (bytes > 0 ? `${(bytes / 1e6).toFixed(0)} MB` : 'n/a');
const rowsLabel = (rows) => (rows % 1e6 === 0 ? `${rows / 1e6}M` : `${rows / 1e3}k`);
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];
/** The run whose wall time is the median (its timeline is the one printed). */
const medianRun = (runs) =>
  [...runs].sort((a, b) => a.seconds - b.seconds)[Math.floor((runs.length - 1) / 2)];

function machine(cores, memory) {
  console.log(
    `scoring benchmark on ${cores} cores, ${(memory / 2 ** 30).toFixed(0)} GiB; Node ${process.version}`,
  );
}

function generated(rows, bytes, seconds) {
  console.log(`generated ${rowsLabel(rows)} rows: ${mb(bytes)} in ${s(seconds)} s`);
}

function referenceRun(rows, index, run) {
  console.log(
    `reference (${run.parser}) ${rowsLabel(rows)} run ${index + 1}: ${s(run.seconds)} s, ${n(run.rowsPerSecond)} rows/s ` +
      `(parse ${s(run.parseSeconds)} s, ORT ${s(run.inferSeconds)} s, format ${s(run.formatSeconds)} s; ` +
      `CPU ${s(run.cpuSeconds)} s, other processes ${s(run.foreignCpu)} CPU-s, max RSS ${run.maxRssMiB.toFixed(0)} MiB)`,
  );
}

function projectRun(config, rows, index, run) {
  const t = run.timeline;
  console.log(
    `project [${config.label}] ${rowsLabel(rows)} run ${index + 1}: upload ${s(run.uploadSeconds)} s; drop → manifest ` +
      `${s(run.seconds)} s, ${n(run.rowsPerSecond)} rows/s, ${run.partitions} partitions; CPU host ${s(run.cpu.host)} s, ` +
      `Azurite ${s(run.cpu.azurite)} s, other processes ${s(run.cpu.foreign)} s; RSS peak (sampled) ${mb(run.peakRss)}` +
      (t
        ? `; detect ${ms(t.detect)}, prepare ${ms(t.prepare)}, partitions ${ms(t.partitionsWall)}, commit ${ms(t.commit)}`
        : ''),
  );
}

function discarded(label, foreign, capacity) {
  console.log(
    `  (${label}: run repeated, other processes used ${s(foreign)} of ${s(capacity)} CPU-s meanwhile)`,
  );
}

function verified({ rows, maxRelativeError }) {
  console.log(
    `  predictions checked against the reference: ${n(rows)} rows, max relative error ${maxRelativeError.toExponential(1)}`,
  );
}

function probe(p) {
  const line = (name, figure) =>
    `${name} ${mb(figure.bytes)}: ${figure.mbps.toFixed(0)} MB/s, Azurite ${figure.cpuPerGB.toFixed(1)} CPU-s/GB`;
  console.log(
    `\nAzurite alone: ${[
      line('upload', p.upload),
      line('whole-blob streamed download', p.streamDownload),
      line('32 MiB ranges by downloadToBuffer (concurrency 4)', p.rangeDownload),
      line('the same ranges as one streamed GET each', p.rangeStream),
      line('stageBlock (4 × 8 MB)', p.stageBlock),
    ].join('; ')}`,
  );
}

function summary(sizes, references, results, configs) {
  console.log('\n== medians ==');
  for (const rows of sizes) {
    const refRates = {};
    console.log(`\n${rowsLabel(rows)} rows:`);
    for (const [parser, runs] of Object.entries(references.get(rows))) {
      refRates[parser] = rows / median(runs.map((run) => run.seconds));
      console.log(
        `  reference (one process, ${parser} parser + ORT + write): ${n(refRates[parser])} rows/s ` +
          `(median of ${runs.length}: ${runs.map((run) => s(run.seconds)).join(', ')} s)`,
      );
    }
    for (const result of results.filter((r) => r.rows === rows)) configSummary(result, refRates);
  }
  if (configs.length > 1) settingsTable(sizes, references, results);
}

function configSummary({ config, runs, hwm }, refRates) {
  const rows = runs[0].rows;
  const seconds = median(runs.map((run) => run.seconds));
  const rate = rows / seconds;
  const m = medianRun(runs);
  const t = m.timeline;
  console.log(
    `  project [${config.label}]: drop → manifest ${s(seconds)} s = ${n(rate)} rows/s (runs ${runs.map((r) => s(r.seconds)).join(', ')} s); ` +
      `upload (separate) ${s(median(runs.map((r) => r.uploadSeconds)))} s; ${m.partitions} partitions`,
  );
  if (t) {
    console.log(
      `    timeline (median run): detect ${ms(t.detect)} (trigger poll ≤ 250 ms + blob properties read) → trigger ${ms(t.trigger)} ` +
        `→ +${ms(t.gaps.triggerToPrepare)} → prepare ${ms(t.prepare)} (planning pass over the blob) → +${ms(t.gaps.waves[0])} → ` +
        `${t.waves} wave(s) of partitions ${ms(t.partitionsWall)} (each mean ${ms(t.partitionMean)}, max ${ms(t.partitionMax)}; ` +
        `wave gaps ${t.gaps.waves.slice(1).map(ms).join(', ') || 'none'}) → +${ms(t.gaps.toCommit)} → commit ${ms(t.commit)}`,
    );
    console.log(
      `    orchestration overhead per partition: ${ms(t.dispatchOverhead / m.partitions)} (A: wall − detect − critical-path invocations = ${ms(t.dispatchOverhead)}, / partitions); ` +
        `${ms(t.dispatchPerPartition)} (B: mean wait from schedulable to started); ${ms(t.formulaPerPartition)} (C: (wall − Σ durations / concurrency) / partitions); ` +
        `wave-barrier idle slot time ${ms(t.waveBarrierIdle)}`,
    );
  }
  if (Object.keys(m.stages).length > 0) stageSummary(m.stages);
  console.log(
    `    CPU (median run): host ${s(m.cpu.host)} s, Azurite ${s(m.cpu.azurite)} s, other processes on the machine ${s(m.cpu.foreign)} s, of ${s(m.seconds * 2)} core-s; host peak RSS (VmHWM) ${mb(hwm)}` +
      (m.rssByPhase
        ? `; sampled RSS peaks by phase: trigger ${mb(m.rssByPhase.trigger)}, prepare ${mb(m.rssByPhase.prepare)}, partitions ${mb(m.rssByPhase.partitions)}, commit ${mb(m.rssByPhase.commit)}`
        : ''),
  );
  const vsRefs = Object.entries(refRates).map(([parser, refRate]) => {
    const ratio = rate / refRate;
    return `vs reference (${parser}) ${ratio.toFixed(2)}× (goal ≥ ${GOALS.vsReference}×: ${ratio >= GOALS.vsReference ? 'met' : 'NOT met'})`;
  });
  const vsPandas = rate / PANDAS_ROWS_PER_SECOND;
  console.log(
    `    ratios: ${vsRefs.join('; ')}; ` +
      `vs pandas + onnxruntime 470k rows/s ${vsPandas.toFixed(2)}× (goal ≥ ${GOALS.vsPandas}×: ${vsPandas >= GOALS.vsPandas ? 'met' : 'NOT met'}); ` +
      `peak RSS ${(hwm / GOALS.rssBytes).toFixed(2)} of 1 GB (${hwm <= GOALS.rssBytes ? 'met' : 'NOT met'})`,
  );
}

/** The stageTimer.js totals: ms summed over calls (concurrent partitions overlap), calls, MB. */
function stageSummary(stages) {
  const parts = Object.entries(stages).map(
    ([name, stage]) =>
      `${name} ${ms(stage.ms)}/${stage.calls}` +
      (stage.bytes > 1e6 && !name.includes('parse') ? ` ${mb(stage.bytes)}` : ''),
  );
  const read = stages['partition.download+parse'];
  const download = stages['partition.download'];
  if (read && download) parts.push(`=> parse alone ≈ ${ms(read.ms - download.ms)}`);
  console.log(`    stages (total ms / calls): ${parts.join('; ')}`);
}

function settingsTable(sizes, references, results) {
  console.log('\n== settings (SCORING_PARTITION_BYTES / SCORING_MAX_CONCURRENCY[/ WORKER_THREADS]) ==');
  console.log(
    [
      'setting',
      ...sizes.map(
        (rows) =>
          `${rowsLabel(rows)}: rows/s (wall, detect, partitions, × first reference, host VmHWM, other processes' CPU)`,
      ),
    ].join(' | '),
  );
  const labels = [...new Set(results.map((r) => r.config.label))];
  for (const label of labels) {
    const cells = sizes.map((rows) => {
      const result = results.find((r) => r.config.label === label && r.rows === rows);
      if (!result) return '-';
      const refRate = rows / median(Object.values(references.get(rows))[0].map((run) => run.seconds));
      const rate = rows / median(result.runs.map((run) => run.seconds));
      const detect = median(result.runs.map((run) => run.timeline?.detect ?? 0));
      const foreign = Math.max(...result.runs.map((run) => run.cpu.foreign));
      return `${n(rate)} (${s(rows / rate)} s, detect ${ms(detect)}, ${result.runs[0].partitions} partitions, ${(rate / refRate).toFixed(2)}×, ${mb(result.hwm)}, other load ≤ ${s(foreign)} CPU-s)`;
    });
    console.log([label, ...cells].join(' | '));
  }
}

module.exports = { machine, discarded, generated, referenceRun, projectRun, verified, probe, summary };
