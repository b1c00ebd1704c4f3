import type { DurableClient } from 'durable-functions';
import type { StreamDefinition } from '../StreamDefinition';
import type { StreamStore } from '../StreamStore';
import type { WindowBounds } from './assignWindows';
import type { StreamWindowStore } from './StreamWindowStore';
import { closeWindowEvent, streamWindowOrchestrator, type StreamWindowInput } from './windowContracts';
import { windowInstanceId } from './windowNames';

/** A re-opened window waits at least this long (else its allowed lateness) for the rest of a burst. */
const minReopenDelayMs = 1000;

/** A partition's latest event time, and when (wall clock) it last sent an event. */
interface PartitionClock {
  watermark: number;
  seenAt: number;
}

interface StreamClock {
  readonly partitions: Map<string, PartitionClock>;
  readonly open: Map<number, WindowBounds>;
}

/**
 * Starts windows' orchestrations and closes them as the stream's watermark passes their end + allowed
 * lateness. The watermark is the latest event time seen in any partition, or with `watermark:
 * "partitions"` the earliest of the partitions' latest event times, so a partition that runs behind
 * (skew between producers, a partition catching up) holds the windows open instead of seeing its
 * events turn late; a partition that sent nothing for the window's idle timeout no longer holds it back. What it keeps in memory only saves reads: the partitions' watermarks and the open
 * windows are loaded from the tables on first use, and a window whose close is never raised (a crash,
 * an idle stream) closes on its orchestration's durable timer.
 */
export class WindowTracker {
  readonly #clocks = new Map<string, Promise<StreamClock>>();
  readonly #starting = new Map<string, Promise<void>>();

  constructor(
    private readonly services: {
      readonly windows: StreamWindowStore;
      readonly streams: StreamStore;
      readonly maxConcurrency: number;
      /** Wall clock, for partitions' idleness; tests set it. */
      readonly now?: () => number;
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

  /**
   * Moves the partition's watermark to `eventTime` if later, and closes every open window the stream's
   * watermark passed.
   */
  async advance(
    stream: StreamDefinition,
    partitionId: string,
    eventTime: number,
    client: DurableClient,
  ): Promise<void> {
    const clock = await this.#clock(stream.name);
    const now = this.services.now?.() ?? Date.now();
    const partition = clock.partitions.get(partitionId);
    clock.partitions.set(partitionId, {
      watermark: Math.max(partition?.watermark ?? -Infinity, eventTime),
      seenAt: now,
    });
    const watermark =
      stream.window?.watermark === 'partitions'
        ? earliestActiveWatermark(clock, now - idleTimeoutOf(stream))
        : latestWatermark(clock);
    const lateness = stream.window?.allowedLateness ?? 0;
    const due = [...clock.open.values()].filter((window) => window.end + lateness <= watermark);
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
    const clocks = partitions
      .filter((row) => row.watermark !== undefined)
      .map((row): [string, PartitionClock] => [
        row.partitionId,
        { watermark: row.watermark!, seenAt: Date.parse(row.lastBatchAt) },
      ]);
    // Re-opened versions close on their own timers.
    const windows = open
      .filter((row) => (row.version ?? 1) === 1)
      .map((row) => ({
        start: Date.parse(row.windowStart),
        end: Date.parse(row.windowEnd),
      }));
    return { partitions: new Map(clocks), open: new Map(windows.map((window) => [window.start, window])) };
  }
}

/** How long a partition may send nothing before it no longer holds the watermark back. */
function idleTimeoutOf(stream: StreamDefinition): number {
  return stream.window?.idleTimeout ?? stream.window?.size ?? 60_000;
}

/** The latest event time seen in any partition. */
function latestWatermark(clock: StreamClock): number {
  let watermark = -Infinity;
  for (const partition of clock.partitions.values()) watermark = Math.max(watermark, partition.watermark);
  return watermark;
}

/** The earliest watermark of the partitions that sent events since `activeSince` (wall clock). */
function earliestActiveWatermark(clock: StreamClock, activeSince: number): number {
  let watermark = Infinity;
  for (const partition of clock.partitions.values())
    if (partition.seenAt >= activeSince) watermark = Math.min(watermark, partition.watermark);
  return watermark === Infinity ? -Infinity : watermark;
}
