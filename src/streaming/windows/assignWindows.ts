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
  const hop = shape.kind === 'hopping' && shape.hop !== undefined ? shape.hop : shape.size;
  const windows: WindowBounds[] = [];
  for (let start = Math.floor(eventTime / hop) * hop; start > eventTime - shape.size; start -= hop)
    windows.push({ start, end: start + shape.size });
  return windows.reverse();
}
