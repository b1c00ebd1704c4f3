/**
 * A least-recently-used map bounded by entry count and, optionally, by the entries' summed weight
 * (e.g. bytes; an entry weighs 0 until `weigh` says otherwise); `onEvict` releases what falls out.
 */
export class LruCache<V> {
  private readonly entries = new Map<string, V>();
  private readonly weights = new Map<string, number>();
  private total = 0;

  constructor(
    private readonly capacity: number,
    private readonly onEvict: (value: V, key: string) => void = () => {},
    private readonly maxWeight = Infinity,
  ) {
    if (!(capacity >= 1)) throw new RangeError(`LruCache capacity must be at least 1, got ${capacity}`);
  }

  get size(): number {
    return this.entries.size;
  }

  /** The summed weight of the entries held. */
  get weight(): number {
    return this.total;
  }

  /** The value for `key`, which becomes the most recently used. */
  get(key: string): V | undefined {
    const value = this.entries.get(key);
    if (value === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  /** Stores `value` as the most recently used, evicting the least recently used beyond capacity. */
  set(key: string, value: V): void {
    const previous = this.entries.get(key);
    this.delete(key);
    if (previous !== undefined && previous !== value) this.onEvict(previous, key);
    this.entries.set(key, value);
    this.evictBeyondBounds(key);
  }

  /**
   * Gives `value`'s entry its weight, once known (e.g. when a load resolves), and evicts the least
   * recently used others while the total is over `maxWeight`; the entry itself always stays. Does
   * nothing if `key` no longer holds `value`.
   */
  weigh(key: string, value: V, weight: number): void {
    if (this.entries.get(key) !== value) return;
    this.total += weight - (this.weights.get(key) ?? 0);
    this.weights.set(key, weight);
    this.evictBeyondBounds(key);
  }

  /** Forgets `key` without calling `onEvict`. */
  delete(key: string): void {
    this.entries.delete(key);
    this.total -= this.weights.get(key) ?? 0;
    this.weights.delete(key);
  }

  /** Keys from least to most recently used. */
  keys(): string[] {
    return [...this.entries.keys()];
  }

  private evictBeyondBounds(keep: string): void {
    for (const [oldestKey, oldest] of this.entries) {
      if (this.entries.size <= this.capacity && this.total <= this.maxWeight) return;
      if (oldestKey === keep) continue;
      this.delete(oldestKey);
      this.onEvict(oldest, oldestKey);
    }
  }
}
