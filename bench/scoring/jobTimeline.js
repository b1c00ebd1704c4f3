// Where a job's wall time went, from the host's own log lines: each `Executed 'Functions.<name>'
// (..., Duration=<ms>)` line is stamped (UTC, ms) when the invocation ended, so it gives the
// invocation's [start, end]. Everything between the invocations on the job's critical path is the
// durable backend moving the job on (orchestrator episodes, history and queue round trips on Azurite).
'use strict';

const dayMs = 86_400_000;
const executed =
  /^\[(\d\d):(\d\d):(\d\d)\.(\d{3})\] Executed 'Functions\.(\w+)' \((\w+), Id=[^,]+, Duration=(\d+)ms\)/;

/** The Executed lines at or after `sinceEpoch` as { name, outcome, start, end } in epoch ms. */
function invocationsSince(lines, sinceEpoch) {
  const dayStart = sinceEpoch - (sinceEpoch % dayMs);
  const result = [];
  for (const { text } of lines) {
    const match = executed.exec(text);
    if (!match) continue;
    const [, h, m, s, ms, name, outcome, duration] = match;
    let end = dayStart + ((Number(h) * 60 + Number(m)) * 60 + Number(s)) * 1000 + Number(ms);
    if (end < sinceEpoch - dayMs / 2) end += dayMs; // the job crossed midnight UTC
    if (end < sinceEpoch) continue;
    result.push({ name, outcome, start: end - Number(duration), end });
  }
  return result;
}

/**
 * Stages of one job, in ms from the blob drop (upload committed) to the manifest seen by the poller.
 * `concurrency` is the job's maxConcurrency: the orchestrator schedules partitions in waves of it.
 */
function jobTimeline(lines, dropEpoch, manifestEpoch, concurrency) {
  const all = invocationsSince(lines, dropEpoch);
  const one = (name) => all.find((invocation) => invocation.name === name);
  const trigger = one('scoreDroppedBlob');
  const prepare = one('prepareScoreJob');
  const commit = one('commitScoreJob');
  const partitions = all.filter((invocation) => invocation.name === 'scorePartition');
  if (!trigger || !prepare || !commit || partitions.length === 0) return undefined;
  partitions.sort((a, b) => a.start - b.start);
  const waves = [];
  for (let i = 0; i < partitions.length; i += concurrency) waves.push(partitions.slice(i, i + concurrency));
  const durations = partitions.map((p) => p.end - p.start);
  const sum = durations.reduce((a, b) => a + b, 0);
  // Durable dispatch: from the moment a step could run (its predecessor ended) to when it started.
  const gaps = { triggerToPrepare: prepare.start - trigger.end, waves: [], toCommit: 0 };
  let ready = prepare.end;
  let dispatchSum = 0;
  for (const wave of waves) {
    const firstStart = Math.min(...wave.map((p) => p.start));
    gaps.waves.push(firstStart - ready);
    dispatchSum += wave.reduce((total, p) => total + (p.start - ready), 0);
    ready = Math.max(...wave.map((p) => p.end));
  }
  gaps.toCommit = commit.start - ready;
  const wall = manifestEpoch - dropEpoch;
  const criticalWork =
    trigger.end -
    trigger.start +
    (prepare.end - prepare.start) +
    waves.reduce((total, wave) => total + Math.max(...wave.map((p) => p.end - p.start)), 0) +
    (commit.end - commit.start);
  const detect = trigger.start - dropEpoch;
  return {
    // Epoch ms where the phases meet, to split other readings (memory samples) by phase.
    marks: { triggerEnd: trigger.end, prepareEnd: prepare.end, partitionsEnd: ready },
    wall,
    detect, // trigger poll interval (250 ms) + receipt + the trigger's read of the blob's properties
    trigger: trigger.end - trigger.start,
    prepare: prepare.end - prepare.start,
    partitionsWall: ready - Math.min(...partitions.map((p) => p.start)),
    partitionMean: sum / partitions.length,
    partitionMax: Math.max(...durations),
    partitionSum: sum,
    waves: waves.length,
    // Capacity lost at wave barriers: slots idle while a wave's slowest partition finishes.
    waveBarrierIdle: waves.reduce(
      (total, wave) => total + wave.reduce((t, p) => t + (Math.max(...wave.map((q) => q.end)) - p.end), 0),
      0,
    ),
    commit: commit.end - commit.start,
    gaps,
    manifestAfterCommitEnd: manifestEpoch - commit.end,
    // Method A: wall time not covered by the critical path's invocations, less detection.
    dispatchOverhead: wall - detect - criticalWork,
    // Method B: mean wait of a partition between becoming schedulable and starting.
    dispatchPerPartition: dispatchSum / partitions.length,
    // Method C (the brief's formula): (wall − Σ partition durations / concurrency) / partitions.
    formulaPerPartition: (wall - sum / Math.min(concurrency, partitions.length)) / partitions.length,
  };
}

module.exports = { jobTimeline, invocationsSince };
