/**
 * A polling loop that backs off while idle (from 10 ms up to a maximum) and can be woken at once, e.g.
 * when this process sends a message or a timer falls due.
 */
export class QueuePoller {
  #running = false;
  #delayMs = 10;
  #wake: (() => void) | undefined;
  #timer: NodeJS.Timeout | undefined;
  #loop: Promise<void> | undefined;
  #wakeAt = Number.POSITIVE_INFINITY;
  #woken = false;

  constructor(
    private readonly pollOnce: () => Promise<boolean>,
    private readonly maxDelayMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  start(): void {
    this.#running = true;
    this.#loop = this.#run();
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.wake();
    await this.#loop;
  }

  /** Polls again now (or after the current poll). */
  wake(): void {
    this.#delayMs = 10;
    this.#woken = true;
    this.#wake?.();
  }

  /** Polls again no later than the given time. */
  wakeAt(time: number): void {
    if (time >= this.#wakeAt) return;
    this.#wakeAt = time;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(
      () => {
        this.#wakeAt = Number.POSITIVE_INFINITY;
        this.wake();
      },
      Math.max(0, time - Date.now()) + 5,
    );
    this.#timer.unref();
  }

  async #run(): Promise<void> {
    while (this.#running) {
      this.#woken = false;
      let busy = false;
      try {
        busy = await this.pollOnce();
      } catch (error) {
        this.onError(error);
      }
      if (!this.#running) break;
      if (busy || this.#woken) {
        this.#delayMs = 10;
        continue;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.#delayMs);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = undefined;
      this.#delayMs = Math.min(this.#delayMs * 2, this.maxDelayMs);
    }
    clearTimeout(this.#timer);
  }
}
