/** A window's bounds in epoch milliseconds: events at `start` <= time < `end` belong to it. */
export interface WindowBounds {
  readonly start: number;
  readonly end: number;
}

/** The window shape of a definition: tumbling windows hop by their size. */
export interface WindowShape {
  readonly kind: 'tumbling' | 'hopping';
  readonly size: number;
  readonly hop?: number;
}

/**
 * The windows an event time falls in, earliest first. Windows start at multiples of the hop (of the
 * size, for tumbling windows) since the epoch, so every partition and every process assigns alike.
 */
export function assignWindows(eventTime: number, shape: WindowShape): WindowBounds[] {
  const hop = hopOf(shape);
  const windows: WindowBounds[] = [];
  for (let start = Math.floor(eventTime / hop) * hop; start > eventTime - shape.size; start -= hop)
    windows.push({ start, end: start + shape.size });
  return windows.reverse();
}

/**
 * `assignWindows` for many event times of one shape, as when landing a batch: when the size is a whole
 * number of hops (always, for tumbling windows) the windows of a time depend only on the hop it falls
 * in, so consecutive times in one hop share one answer (the same array: do not change it).
 */
export function windowAssigner(shape: WindowShape): (eventTime: number) => readonly WindowBounds[] {
  const hop = hopOf(shape);
  if (shape.size % hop !== 0) return (eventTime) => assignWindows(eventTime, shape);
  let lastHop = NaN;
  let lastWindows: WindowBounds[] = [];
  return (eventTime) => {
    const eventHop = Math.floor(eventTime / hop);
    if (eventHop !== lastHop) [lastHop, lastWindows] = [eventHop, assignWindows(eventTime, shape)];
    return lastWindows;
  };
}

function hopOf(shape: WindowShape): number {
  return shape.kind === 'hopping' && shape.hop !== undefined ? shape.hop : shape.size;
}
