const randomizationFactor = 0.2;

/**
 * The delay between polls of an idle queue, as the queue listener computes it: back to the minimum
 * once messages were found, else roughly doubling (randomized by ±20 %) up to the maximum.
 */
export class PollingBackoff {
  #exponent = 0;
  #currentMs: number;

  constructor(
    private readonly minimumMs: number,
    private readonly maximumMs: number,
    private readonly random: () => number = Math.random,
  ) {
    this.#currentMs = minimumMs;
  }

  /** The next delay; `foundMessages` says whether the polls since the last delay found anything. */
  next(foundMessages: boolean): number {
    if (foundMessages) {
      this.#exponent = 0;
      this.#currentMs = this.minimumMs;
    } else if (this.#currentMs < this.maximumMs) {
      const jitter = 1 - randomizationFactor + 2 * randomizationFactor * this.random();
      const increment = jitter * 2 ** this.#exponent * this.minimumMs;
      this.#currentMs = Math.min(this.minimumMs + increment, this.maximumMs);
      this.#exponent++;
    }
    return this.#currentMs;
  }
}
