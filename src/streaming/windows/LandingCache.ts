import type { LandedEvent } from './LandedEvent';

/** How much landing data a process keeps by default: a few windows' worth at 20,000 events/s. */
export const defaultLandingCacheBytes = 256 * 2 ** 20;

/**
 * Memory an event object takes next to its JSON Lines bytes, about: a cached landing counts its blob's
 * size times this against the cache's limit.
 */
const heapPerByte = 2;

interface CachedLanding {
  readonly lastSequence: number;
  readonly events: readonly LandedEvent[];
  readonly bytes: number;
}

/**
 * The landing blobs this process wrote, as the events it wrote (not their bytes: no parsing again), so
 * that a window's aggregate running in the same process reads them from memory rather than from
 * storage. Only a shortcut: a landing that is
 * not here (written by another process, evicted, taken already) is read from its blob. A cached landing
 * serves a listed landing only when it reaches at least the listed last sequence number: a landing
 * rewritten by a batch delivered again keeps the same events for the same sequence numbers (the log
 * does not change), so the aggregate, which drops what lies past the listed range, sees the same
 * events either way. The oldest landings go first when the cache is full.
 */
export class LandingCache {
  readonly #entries = new Map<string, CachedLanding>();
  #bytes = 0;

  constructor(private readonly maxBytes = defaultLandingCacheBytes) {}

  /**
   * Keeps the events just written to the landing blob `name` (its batch ending at `lastSequence`) in
   * `blobBytes` bytes. The events are shared, not copied: nothing may change them.
   */
  put(name: string, lastSequence: number, events: readonly LandedEvent[], blobBytes: number): void {
    this.#drop(name);
    const bytes = blobBytes * heapPerByte;
    if (bytes > this.maxBytes) return;
    this.#entries.set(name, { lastSequence, events, bytes });
    this.#bytes += bytes;
    for (const [oldest] of this.#entries) {
      if (this.#bytes <= this.maxBytes) break;
      this.#drop(oldest);
    }
  }

  /**
   * The events of the landing `name` if it holds every event up to `lastSequence`; the entry is
   * dropped either way (a window's aggregate reads each landing once; a retry reads the blob).
   */
  take(name: string, lastSequence: number): readonly LandedEvent[] | undefined {
    const entry = this.#entries.get(name);
    this.#drop(name);
    return entry && entry.lastSequence >= lastSequence ? entry.events : undefined;
  }

  get bytes(): number {
    return this.#bytes;
  }

  #drop(name: string): void {
    const entry = this.#entries.get(name);
    if (!entry) return;
    this.#entries.delete(name);
    this.#bytes -= entry.bytes;
  }
}
