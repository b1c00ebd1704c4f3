'use strict';
// Per-device aggregates of readings in tumbling windows aligned to the epoch, named as window streams
// name their features: `count`, or `<field>_<aggregate>` with mean, min, max, std (population) or last.

/** The aggregates of each (window, device): rows `{ windowStartMs, deviceId, features }` in window order. */
function windowAggregates(readings, options) {
  const { sizeMs, features, key = 'deviceId', time = 'timestamp' } = options;
  const wanted = features.map((name) => {
    if (name === 'count') return { name, aggregate: 'count' };
    const split = name.lastIndexOf('_');
    return { name, field: name.slice(0, split), aggregate: name.slice(split + 1) };
  });
  const fields = [...new Set(wanted.filter((f) => f.field !== undefined).map((f) => f.field))];
  const windows = new Map();
  for (const reading of readings) {
    const at = typeof reading[time] === 'number' ? reading[time] : Date.parse(reading[time]);
    const windowStartMs = Math.floor(at / sizeMs) * sizeMs;
    const id = `${windowStartMs}\u0000${reading[key]}`;
    let figures = windows.get(id);
    if (!figures) {
      figures = { windowStartMs, key: reading[key], count: 0, lastAt: -Infinity, fields: {} };
      for (const field of fields)
        figures.fields[field] = { count: 0, mean: 0, squares: 0, min: Infinity, max: -Infinity, last: NaN };
      windows.set(id, figures);
    }
    figures.count++;
    const isLast = at >= figures.lastAt;
    if (isLast) figures.lastAt = at;
    for (const field of fields) {
      const value = reading[field];
      const f = figures.fields[field];
      // Welford's running mean and squared deviations: steady for large values such as rpm.
      f.count++;
      const delta = value - f.mean;
      f.mean += delta / f.count;
      f.squares += delta * (value - f.mean);
      if (value < f.min) f.min = value;
      if (value > f.max) f.max = value;
      if (isLast) f.last = value;
    }
  }
  return [...windows.values()]
    .sort((a, b) => a.windowStartMs - b.windowStartMs || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((w) => ({ windowStartMs: w.windowStartMs, [key]: w.key, features: featuresOf(w, wanted) }));
}

function featuresOf(window, wanted) {
  const values = {};
  for (const { name, field, aggregate } of wanted) {
    if (aggregate === 'count') {
      values[name] = window.count;
      continue;
    }
    const f = window.fields[field];
    const value = {
      mean: f.mean,
      min: f.min,
      max: f.max,
      last: f.last,
      std: Math.sqrt(f.squares / f.count),
    }[aggregate];
    values[name] = value;
  }
  return values;
}

module.exports = { windowAggregates };
