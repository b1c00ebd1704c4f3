import type { ListingProbe, ListingProbes } from './ListingProbes';
import { between, commonPrefixLength, endOf, units, type Position } from './namePositions';
import { firstUnlistableCharacter, shownName } from './unlistableCharacter';

/** What lies first at a position where a one-blob listing page fails. */
export type Located =
  /** A blob whose name the listing cannot carry; no listable blob lies between the position and it. */
  | { readonly kind: 'unlistable'; readonly name: string }
  /** A listable blob comes first after all: list on from it. */
  | { readonly kind: 'listable'; readonly name: string };

type Occupied =
  | Located
  /** Every name starting with `prefix` comes before the one the search has; the first of them fails. */
  | { readonly kind: 'subtree'; readonly prefix: string; readonly from: string };

// Listing pages are probed this many at a time when characters are tried one by one.
const parallelProbes = 16;

/**
 * Finds the blob that makes a container listing fail, using only one-entry listing pages: a page
 * fails when its one entry cannot be written. Searching positions (`startFrom`) for one where the
 * first entry fails and the next position's first entry does not pins down a failing blob's exact
 * name. Several failing blobs may lie ahead and the search may land on a later one, so it then checks
 * that no listable blob lies between the start and that blob, and searches again where one might.
 *
 * Azurite echoes the prefix, the marker and the next marker of a page in its XML, so a prefix must be
 * listable itself and a page folded by a delimiter fails when the last name it folds fails; the checks
 * below keep to pages whose echoes are known to be listable.
 */
export class UnlistableBlobLocator {
  constructor(
    private readonly probes: ListingProbes,
    /** The trigger path's literal prefix; every position and name starts with it. */
    private readonly scope: string,
  ) {}

  /**
   * The first blob at or after `from`, given that a one-blob page at `from` fails; undefined when even
   * a page past every name fails. What no page can tell apart: failing blobs whose names agree up to
   * and including their first unlistable character (only the last of them is found), and failing
   * blobs in a character's subtree that only failing names share (they are passed over).
   */
  async locate(from: string): Promise<Located | undefined> {
    const probe = this.probes.flat(this.scope);
    // A service that fails every page (an outage, not a name) has nothing to narrow down.
    if ((await probe.first(`${this.scope}\uffff\uffff`)).kind === 'unlistable') return undefined;
    let candidate = await this.#transition(probe, from, endOf(this.scope));
    for (;;) {
      const occupied = await this.#firstOccupied(from, candidate);
      if (!occupied) return { kind: 'unlistable', name: candidate };
      if (occupied.kind !== 'subtree') return occupied;
      const { prefix } = occupied;
      candidate = await this.#transition(this.probes.flat(prefix), occupied.from, endOf(prefix));
    }
  }

  /** True when `name` is still what {@link locate} would return for `from` (a check of a remembered answer). */
  async confirms(from: string, name: string): Promise<boolean> {
    return (await this.stillFails(name)) && (await this.#firstOccupied(from, name)) === undefined;
  }

  /** True when a blob of this name exists and a page that starts with it fails. */
  async stillFails(name: string): Promise<boolean> {
    if (!(await this.probes.exists(name))) return false;
    return (await this.probes.flat(this.scope).first(name)).kind === 'unlistable';
  }

  /**
   * A blob name e in [from, to) whose entry fails while the entry at the position right after it does
   * not, by halving the positions between: `from` fails and `to` does not, so such a pair exists.
   */
  async #transition(probe: ListingProbe, from: string, to: Position): Promise<string> {
    let failing = from;
    let passing = to;
    for (let middle = between(failing, passing); middle !== undefined; middle = between(failing, passing)) {
      if ((await probe.first(middle)).kind === 'unlistable') failing = middle;
      else passing = units(middle);
    }
    return failing;
  }

  /**
   * The first part of [from, e) that may hold a listable blob, in name order, or undefined when none
   * does. The parts: what follows `from` inside its own subtree at the level where `from` and e part;
   * the characters between theirs at that level; then, level by level down e's name until its first
   * unlistable character, the characters below e's own. A name that has an unlistable character where
   * it parts from e cannot be listable, so such parts are not looked into.
   */
  async #firstOccupied(from: string, e: string): Promise<Occupied | undefined> {
    const split = commonPrefixLength(from, e);
    const unlistableAt = firstUnlistableCharacter(e)?.index ?? e.length;
    if (from.length > split) {
      const subtree = from.slice(0, split + 1);
      if (firstUnlistableCharacter(subtree) === undefined) {
        const first = await this.probes.flat(subtree).first(from);
        if (first.kind === 'blob') return { kind: 'listable', name: first.name };
        if (first.kind === 'unlistable') return { kind: 'subtree', prefix: subtree, from };
      }
    }
    for (let level = split; level < unlistableAt; level++) {
      const parent = e.slice(0, level);
      let lowest = -1;
      if (level === split && from.length > split) {
        lowest = from.charCodeAt(split) + 1;
        if (lowest >= e.charCodeAt(split)) continue;
      }
      const occupied = await this.#below(parent, lowest, e.charCodeAt(level));
      if (occupied) return occupied;
    }
    return undefined;
  }

  /**
   * Whether a listable blob may lie under `parent` with a next character in [lowest, mark) (lowest -1:
   * `parent` itself too), given that `parent + mark` holds the blob the search has.
   */
  async #below(parent: string, lowest: number, mark: number): Promise<Occupied | undefined> {
    const start = lowest < 0 ? parent : parent + String.fromCharCode(lowest);
    const sibling = parent + String.fromCharCode(mark);
    const first = await this.probes.flat(parent).first(start);
    if (first.kind === 'blob')
      return first.name < sibling ? { kind: 'listable', name: first.name } : undefined;
    if (first.kind === 'none') throw changedError(parent);
    // The first blob from `start` fails: it is the one the search has, or one below it. A page folded
    // at `mark` starts with the prefix `sibling` when nothing lies below it, unless it fails on
    // echoing the last name it folds.
    const folded = await this.probes.byDelimiter(parent, String.fromCharCode(mark)).first(start);
    if (folded.kind === 'prefix' && folded.name === sibling) return undefined;
    if (folded.kind === 'prefix') return { kind: 'subtree', prefix: folded.name, from: folded.name };
    if (folded.kind === 'blob') return { kind: 'listable', name: folded.name };
    if (lowest < 0 && parent !== '' && (await this.probes.exists(parent))) {
      return { kind: 'unlistable', name: parent };
    }
    return this.#belowOneByOne(parent, Math.max(lowest, 0), mark);
  }

  /**
   * Tries each listable next character in [lowest, mark) as a prefix, in name order. Characters past
   * ASCII are tried as one range: a page from there that shows a listable blob below `mark` settles it,
   * and one that fails is left alone (a rare layout, and a costly one to search character by character).
   */
  async #belowOneByOne(parent: string, lowest: number, mark: number): Promise<Occupied | undefined> {
    const ascii = [];
    for (let unit = lowest; unit < Math.min(mark, 0x80); unit++) {
      const character = String.fromCharCode(unit);
      if (firstUnlistableCharacter(character) === undefined) ascii.push(parent + character);
    }
    for (let index = 0; index < ascii.length; index += parallelProbes) {
      const batch = ascii.slice(index, index + parallelProbes);
      const firsts = await Promise.all(batch.map((prefix) => this.probes.flat(prefix).first(prefix)));
      for (const [offset, first] of firsts.entries()) {
        const prefix = batch[offset] ?? parent;
        if (first.kind === 'blob') return { kind: 'listable', name: first.name };
        if (first.kind === 'unlistable') return { kind: 'subtree', prefix, from: prefix };
      }
    }
    if (mark <= 0x80) return undefined;
    const sibling = parent + String.fromCharCode(mark);
    const first = await this.probes.flat(parent).first(parent + String.fromCharCode(Math.max(lowest, 0x80)));
    return first.kind === 'blob' && first.name < sibling ? { kind: 'listable', name: first.name } : undefined;
  }
}

function changedError(parent: string): Error {
  return new Error(
    `the container changed while its listing was being narrowed down (under '${shownName(parent)}')`,
  );
}
