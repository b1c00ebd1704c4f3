// Prints the training benchmark's figures, the references they are compared with, and a labelled
// extrapolation to the reference's 10k series × 4k weeks.
'use strict';

// The many-models reference architecture's published sizing (40M rows, 10k series, 12 × 16-core VMs)
// and the in-memory scikit-learn loop's figure recorded in the issue (pandas groupby + one Ridge per
// series); the same kind of loop is also measured in the run itself (sklearnReference.py).
const reference = {
  series: 10_000,
  rows: 40_000_000,
  trainSeconds: 30 * 60,
  scoreSeconds: 20 * 60,
  cores: 192,
};
const sklearn = { seconds: 26, gib: 6.6 };
const goalSeconds = 5 * 60;

const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const rate = (count, seconds) => (count / seconds).toFixed(count / seconds >= 100 ? 0 : 1);

function printReport(stages, probe, loadNow) {
  const { rows, series, partition, upload, train } = stages;
  console.log('\nstage            wall       keys/s    rows/s     notes');
  const line = (name, seconds, note) =>
    console.log(
      `${name.padEnd(16)} ${`${seconds.toFixed(1)} s`.padEnd(10)} ${rate(series, seconds).padEnd(9)} ` +
        `${rate(rows, seconds).padEnd(10)} ${note}`,
    );
  line(
    'partition',
    partition.seconds,
    `${partition.keys} keys, ${mib(stages.bytes)}; load ${partition.load}`,
  );
  line('upload', upload.seconds, `load ${upload.load}`);
  line(
    'train+register',
    train.seconds,
    `host peak RSS ${mib(train.hostPeakRss)}, host CPU ${train.hostCpu.toFixed(0)} s, ` +
      `Azurite CPU ${train.azuriteCpu.toFixed(0)} s, machine CPU ${train.machineCpu.toFixed(0)} s; load ${train.load}`,
  );
  const score = train.score;
  if (score) {
    console.log(
      `${'score'.padEnd(16)} ${`${score.seconds.toFixed(1)} s`.padEnd(10)} ${rate(series, score.seconds).padEnd(9)} ` +
        `${rate(score.rows ?? 0, score.seconds).padEnd(10)} ${score.status}: ${score.scoredRows} of ${score.rows} horizon rows scored, ` +
        `${score.badRows} bad, ${score.partitions} partition(s), ${mib(score.bytes)}; host peak RSS ${mib(score.hostPeakRss)}, ` +
        `host CPU ${score.hostCpu.toFixed(0)} s, Azurite CPU ${score.azuriteCpu.toFixed(0)} s; load ${score.load}`,
    );
    if (score.reason) console.log(`  job: ${score.reason}`);
    const total = partition.seconds + upload.seconds + train.seconds + score.seconds;
    console.log(
      `${'end to end'.padEnd(16)} ${`${total.toFixed(1)} s`.padEnd(10)} (partition + upload + train+register + score; ` +
        `the horizon's upload, ${score.uploadSeconds.toFixed(1)} s, not counted); peak RSS: host ` +
        `${mib(Math.max(train.hostPeakRss, score.hostPeakRss))}, partitioner ${mib(partition.peakRss ?? 0)}, ` +
        `Azurite ${mib(stages.azuritePeakRss ?? 0)} (the storage emulator)`,
    );
  } else console.log('score            not run (training did not complete)');
  printRunReport(train);
  if (probe) printProbe(probe);
  printReferences(stages);
  console.log(
    `\nload average at the end: ${loadNow} (2 cores shared with other work: the figures are noisy)`,
  );
  console.log(`host log: ${train.logFile}`);
}

function printRunReport(train) {
  const report = train.report;
  console.log(`\nrun ${train.runId}: ${train.runtimeStatus}`);
  for (const text of train.hostErrors) console.log(`  host: ${text}`);
  if (!report?.durations) {
    console.log(
      `  no report (output ${JSON.stringify(report)?.slice(0, 300)}); last progress ${JSON.stringify(train.progress)}`,
    );
    return;
  }
  console.log(
    `  report: ${report.status}, keys ${JSON.stringify(report.keys)}, ${report.chunks} chunks; ` +
      `orchestration wall ${(report.durations.totalMs / 1000).toFixed(1)} s, keys' summed time ` +
      `${(report.durations.keysMs / 1000).toFixed(1)} s, slowest key ${report.durations.slowestKeyMs} ms`,
  );
  const reasons = new Map();
  for (const key of report.failed) reasons.set(key.reason, (reasons.get(key.reason) ?? 0) + 1);
  for (const [reason, count] of reasons) console.log(`  failed ×${count}: ${reason}`);
  const retried = report.trained.filter((key) => key.attempts > 1 || key.existing).length;
  if (retried > 0) console.log(`  ${retried} keys trained on a later try or found registered`);
  const byVersion = [...report.trained].sort((a, b) => a.version - b.version);
  const tenth = Math.max(1, Math.floor(byVersion.length / 10));
  const mean = (keys) => keys.reduce((sum, key) => sum + key.durationMs, 0) / keys.length;
  if (byVersion.length > 0)
    console.log(
      `  per key (download + train + register, inside the activity): first tenth ${mean(byVersion.slice(0, tenth)).toFixed(0)} ms, ` +
        `last tenth ${mean(byVersion.slice(-tenth)).toFixed(0)} ms, all ${mean(byVersion).toFixed(0)} ms`,
    );
  const r2 = report.metrics.r2;
  if (r2) console.log(`  holdout R² over keys: median ${r2.median.toFixed(3)}, min ${r2.min.toFixed(3)}`);
}

function printProbe(probe) {
  const steps = Object.entries(probe.perKey)
    .map(([step, ms]) => `${step} ${ms.toFixed(1)}`)
    .join(', ');
  console.log(`\nper-key steps, one at a time in the bench process (${probe.keys} keys, ms/key): ${steps}`);
  console.log(
    `  (register includes its own inspect; register − inspect = reserve the version + write its rows (small models are kept in the version row): ` +
      `${(probe.perKey.register - probe.perKey.inspect).toFixed(1)} ms)`,
  );
  console.log(
    `  8 registrations at a time: ${probe.concurrentRegister.oneName.toFixed(1)} ms/key under one model name, ` +
      `${probe.concurrentRegister.eightNames.toFixed(1)} ms/key under 8 names; ` +
      `all ${probe.keys} as one batch: ${probe.concurrentRegister.batch.toFixed(1)} ms/key`,
  );
}

function printReferences({ rows, series, partition, upload, train, sklearn: measured }) {
  printMeasuredReference(measured, partition, upload, train);
  const refKeysPerSecond = reference.series / reference.trainSeconds;
  console.log(
    `\nreference: published many-models sizing, ${reference.rows / 1e6}M rows / ${reference.series / 1e3}k series: ` +
      `~${reference.trainSeconds / 60} min train (${refKeysPerSecond.toFixed(1)} keys/s, ` +
      `${rate(reference.rows, reference.trainSeconds)} rows/s on ${reference.cores} cores), ~${reference.scoreSeconds / 60} min score`,
  );
  console.log(
    `reference: in-memory scikit-learn loop as recorded in the issue (40M rows, not measured here): ≈${sklearn.seconds} s compute (train + score), ${sklearn.gib} GB`,
  );
  const scale = reference.series / series;
  const rowScale = reference.rows / rows;
  const extrapolated = {
    partition: partition.seconds * rowScale,
    upload: upload.seconds * rowScale,
    train: train.seconds * scale,
    score: (train.score?.seconds ?? 0) * scale,
  };
  if (train.runtimeStatus !== 'Completed' || train.report?.status === 'Failed') {
    console.log('no extrapolation: the training run did not complete');
    return;
  }
  if (series === reference.series) return;
  const total = extrapolated.partition + extrapolated.upload + extrapolated.train + extrapolated.score;
  console.log(
    `EXTRAPOLATION (linear from this run, not measured) to ${reference.series / 1e3}k series × ${
      reference.rows / reference.series
    } rows: partition ${(extrapolated.partition / 60).toFixed(1)} min, upload ${(extrapolated.upload / 60).toFixed(1)} min, ` +
      `train+register ${(extrapolated.train / 60).toFixed(1)} min, score ${(extrapolated.score / 60).toFixed(1)} min; ` +
      `${(total / 60).toFixed(1)} min end to end (goal ≤ ${goalSeconds / 60} min)`,
  );
}

/** The pandas + scikit-learn loop run on the same files in this run, and the project's figures over it. */
function printMeasuredReference(measured, partition, upload, train) {
  if (!measured || measured.skipped) {
    console.log(`\nreference measured in this run: none (${measured?.skipped ?? 'not run'})`);
    return;
  }
  const gib = (bytes) => `${(bytes / 2 ** 30).toFixed(2)} GiB`;
  console.log(
    `\nreference measured in this run, same files (pandas + scikit-learn, one Ridge per series with alpha 1 and no ` +
      `cross-validation, all in memory, nothing stored): read ${measured.readSeconds.toFixed(1)} s, compute ` +
      `${measured.computeSeconds.toFixed(1)} s (features ${measured.featuresSeconds.toFixed(1)} s, ${measured.series} fits + ` +
      `holdout + forecast ${(measured.computeSeconds - measured.featuresSeconds).toFixed(1)} s), process ` +
      `${measured.wallSeconds.toFixed(1)} s; peak RSS ${gib(measured.peakRssBytes)}; ${measured.forecastRows} of ` +
      `${measured.horizonRows} horizon rows forecast; holdout R² median ${measured.medianHoldoutR2.toFixed(3)}`,
  );
  const score = train.score;
  if (!score) return;
  const total = partition.seconds + upload.seconds + train.seconds + score.seconds;
  const peak = Math.max(train.hostPeakRss, score.hostPeakRss);
  console.log(
    `project / reference: end to end ${total.toFixed(1)} s / ${measured.wallSeconds.toFixed(1)} s = ` +
      `${(total / measured.wallSeconds).toFixed(2)}×; train+register + score ${(train.seconds + score.seconds).toFixed(1)} s / ` +
      `compute ${measured.computeSeconds.toFixed(1)} s = ${((train.seconds + score.seconds) / measured.computeSeconds).toFixed(2)}×; ` +
      `peak RSS host ${gib(peak)} / ${gib(measured.peakRssBytes)} = ${(peak / measured.peakRssBytes).toFixed(2)}×`,
  );
}

module.exports = { printReport };
