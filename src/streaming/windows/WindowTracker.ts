import type { DurableClient } from 'durable-functions';
import type { StreamDefinition } from '../StreamDefinition';
import type { StreamStore } from '../StreamStore';
import type { WindowBounds } from './assignWindows';
import type { StreamWindowStore } from './StreamWindowStore';
import { closeWindowEvent, streamWindowOrchestrator, type StreamWindowInput } from './windowContracts';
import { windowInstanceId } from './windowNames';

/** A re-opened window waits at least this long (else its allowed lateness) for the rest of a burst. */
const minReopenDelayMs = 1000;

interface StreamClock {
  watermark: number;
  readonly open: Map<number, WindowBounds>;
}

/**
 * Starts windows' orchestrations and closes them as the stream's watermark (the latest event time
 * seen, in any partition) passes their end + allowed lateness. What it keeps in memory only saves
 * reads: the watermark and the open windows are loaded from the tables on first use, and a window whose
 * close is never raised (a crash, an idle stream) closes on its orchestration's durable timer.
 */
export class WindowTracker {
  readonly #clocks = new Map<string, Promise<StreamClock>>();
  readonly #starting = new Map<string, Promise<void>>();

  constructor(
    private readonly services: {
      readonly windows: StreamWindowStore;
      readonly streams: StreamStore;
      readonly maxConcurrency: number;
    },
  ) {}

  /** Records the window as open and starts its orchestration unless it runs already. */
  async ensureStarted(stream: StreamDefinition, window: WindowBounds, client: DurableClient): Promise<void> {
    const instanceId = windowInstanceId(stream.name, window.start);
    let starting = this.#starting.get(instanceId);
    if (!starting) {
      starting = this.#start(stream, window, client, instanceId);
      starting.catch(() => this.#starting.delete(instanceId));
      this.#starting.set(instanceId, starting);
    }
    await starting;
    (await this.#clock(stream.name)).open.set(window.start, window);
  }

  /**
   * Starts a re-opened window's orchestration for `version` (after the first) unless it runs already.
   * It is not tracked as open: the watermark passed it long ago, and its own timer closes it.
   */
  async startVersion(
    stream: StreamDefinition,
    window: WindowBounds,
    version: number,
    client: DurableClient,
  ): Promise<void> {
    await this.#start(stream, window, client, windowInstanceId(stream.name, window.start, version), version);
  }

  /** Moves the watermark to `eventTime` if later, and closes every open window it passed. */
  async advance(stream: StreamDefinition, eventTime: number, client: DurableClient): Promise<void> {
    const clock = await this.#clock(stream.name);
    clock.watermark = Math.max(clock.watermark, eventTime);
    const lateness = stream.window?.allowedLateness ?? 0;
    const due = [...clock.open.values()].filter((window) => window.end + lateness <= clock.watermark);
    for (const window of due) {
      clock.open.delete(window.start);
      this.#starting.delete(windowInstanceId(stream.name, window.start));
      await this.#raiseClose(stream, window, client);
    }
  }

  async #raiseClose(stream: StreamDefinition, window: WindowBounds, client: DurableClient): Promise<void> {
    const instanceId = windowInstanceId(stream.name, window.start);
    try {
      await client.raiseEvent(instanceId, closeWindowEvent, null);
    } catch {
      // Gone (410): the window closed on its timer already. Missing (404): its start was lost in a
      // crash; start it, and its timer closes it.
      if ((await client.getStatus(instanceId).catch(() => undefined))?.runtimeStatus) return;
      await this.#start(stream, window, client, instanceId);
      await client.raiseEvent(instanceId, closeWindowEvent, null);
    }
  }

  async #start(
    stream: StreamDefinition,
    window: WindowBounds,
    client: DurableClient,
    instanceId: string,
    version = 1,
  ) {
    if (version === 1) await this.services.windows.open(stream.name, window, new Date().toISOString());
    const status = await client.getStatus(instanceId).catch(() => undefined);
    if (status?.runtimeStatus) return;
    const allowedLatenessMs = stream.window?.allowedLateness ?? 0;
    const input: StreamWindowInput = {
      stream: stream.name,
      windowStart: window.start,
      windowEnd: window.end,
      allowedLatenessMs,
      idleTimeoutMs: stream.window?.idleTimeout ?? stream.window?.size ?? 60_000,
      maxConcurrency: this.services.maxConcurrency,
      ...(version > 1 ? { version, reopenDelayMs: Math.max(allowedLatenessMs, minReopenDelayMs) } : {}),
    };
    try {
      await client.startNew(streamWindowOrchestrator, { instanceId, input });
    } catch (error) {
      // Another partition's trigger started it first.
      if (!(await client.getStatus(instanceId).catch(() => undefined))?.runtimeStatus) throw error;
    }
  }

  #clock(stream: string): Promise<StreamClock> {
    let clock = this.#clocks.get(stream);
    if (!clock) {
      clock = this.#load(stream);
      clock.catch(() => this.#clocks.delete(stream));
      this.#clocks.set(stream, clock);
    }
    return clock;
  }

  async #load(stream: string): Promise<StreamClock> {
    const [partitions, open] = await Promise.all([
      this.services.streams.partitions(stream),
      this.services.windows.listOpen(stream),
    ]);
    const watermark = Math.max(-Infinity, ...partitions.map((row) => row.watermark ?? -Infinity));
    // Re-opened versions close on their own timers.
    const windows = open
      .filter((row) => (row.version ?? 1) === 1)
      .map((row) => ({
        start: Date.parse(row.windowStart),
        end: Date.parse(row.windowEnd),
      }));
    return { watermark, open: new Map(windows.map((window) => [window.start, window])) };
  }
}
