/**
 * Positions in a container's name order, for listing with `startFrom` (inclusive): the service orders
 * blob names by UTF-16 code unit, so a position is a string and "after a name" is that name plus U+0000.
 */

// Azure's limit on a blob name; no position past it can separate two blobs.
const maxNameLength = 1024;
// One past the last code unit: the virtual end of "every name that starts with this prefix".
const pastLastUnit = 0x10000;

/** The first position after `name` (nothing lies between the two). */
export function after(name: string): string {
  return `${name}\u0000`;
}

/** The position after every name that starts with `prefix`. */
export function endOf(prefix: string): Position {
  return [...units(prefix), pastLastUnit];
}

/** A position as code units; its last unit may be the virtual {@link pastLastUnit}. */
export type Position = readonly number[];

export function units(text: string): number[] {
  const result: number[] = [];
  for (let index = 0; index < text.length; index++) result.push(text.charCodeAt(index));
  return result;
}

export function commonPrefixLength(a: string, b: string): number {
  let index = 0;
  while (index < a.length && index < b.length && a[index] === b[index]) index++;
  return index;
}

/**
 * A position strictly between `lo` and `hi` (lo < hi), roughly halving what lies between them one
 * character at a time; undefined when nothing does (`hi` is right after `lo`) or only names longer
 * than Azure allows would.
 */
export function between(lo: string, hi: Position): string | undefined {
  const low = units(lo);
  let k = 0;
  while (k < low.length && k < hi.length && low[k] === hi[k]) k++;
  if (k >= maxNameLength) return undefined;
  const top = hi[k] ?? -1;
  if (k === low.length) {
    // lo is a prefix of hi: lo + c for some c below hi's next unit, or lo + U+0000 when that is not hi itself.
    if (top >= 1) return fromUnits([...low, pick(-1, top)]);
    return hi.length > k + 1 ? after(lo) : undefined;
  }
  const bottom = low[k] ?? 0;
  if (top - bottom >= 2) return fromUnits([...low.slice(0, k), pick(bottom, top)]);
  // Adjacent units: the next step is either hi's own prefix (when hi goes on) or inside lo's subtree.
  if (hi.length > k + 1) return fromUnits(hi.slice(0, k + 1));
  return between(lo, [...low.slice(0, k + 1), pastLastUnit]);
}

/**
 * A unit strictly between bottom and top that splits the likely characters in two halves, so each
 * probe halves what is left to learn: names are mostly lowercase letters, digits and `./-_`.
 */
function pick(bottom: number, top: number): number {
  // Units in (bottom, top); the answer u splits them into (bottom, u) and [u, top).
  let total = 0;
  for (let unit = bottom + 1; unit < top; unit++) total += likelihood(unit);
  let below = 0;
  for (let unit = bottom + 1; unit < top - 1; unit++) {
    below += likelihood(unit);
    if (below * 2 >= total) return unit + 1;
  }
  return top - 1;
}

// Relative odds of a unit in a blob name; all of the units past ASCII together weigh a few letters.
function likelihood(unit: number): number {
  if (unit >= 0x80) return 8 / (pastLastUnit - 0x80);
  if ((unit >= 0x61 && unit <= 0x7a) || (unit >= 0x30 && unit <= 0x39)) return 4;
  if (unit === 0x2e || unit === 0x2f || unit === 0x2d || unit === 0x5f) return 4;
  if (unit >= 0x41 && unit <= 0x5a) return 2;
  return unit >= 0x20 ? 1 : 0.25;
}

function fromUnits(codes: readonly number[]): string {
  return String.fromCharCode(...codes);
}

/**
 * The first well-formed string at or after `position`. A request URL cannot carry a lone surrogate,
 * and no blob name holds one, so the first blob at or after either position is the same.
 */
export function wellFormed(position: string): string {
  for (let index = 0; index < position.length; index++) {
    const unit = position.charCodeAt(index);
    if (unit >= 0xdc00 && unit <= 0xdfff) return `${position.slice(0, index)}\ue000`;
    if (unit < 0xd800 || unit > 0xdbff) continue;
    const next = index + 1 < position.length ? position.charCodeAt(index + 1) : -1;
    if (next >= 0xdc00 && next <= 0xdfff) {
      index++;
      continue;
    }
    // A high surrogate not followed by a low one.
    if (next > 0xdfff) {
      const raised = unit + 1;
      return raised <= 0xdbff
        ? `${position.slice(0, index)}${String.fromCharCode(raised)}\udc00`
        : `${position.slice(0, index)}\ue000`;
    }
    return `${position.slice(0, index + 1)}\udc00`;
  }
  return position;
}
