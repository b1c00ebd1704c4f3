import { setTimeout as delay } from 'node:timers/promises';
import type { HostLogger } from '../../logging/HostLogger';
import type { StoredEvent } from '../../eventHubs/EventHubEvent';
import type { Checkpoint, EventHubCheckpointStore } from './EventHubCheckpointStore';
import type { EventHubLog } from '../../eventHubs/EventHubLog';

export interface PartitionPumpOptions {
  readonly partitionId: string;
  readonly log: EventHubLog;
  readonly checkpoints: EventHubCheckpointStore;
  readonly maxBatchSize: number;
  /** Where a partition without a checkpoint starts (host.json `initialOffsetOptions`). */
  readonly initialSequenceNumber: () => Promise<number>;
  /** host.json `batchCheckpointFrequency`: checkpoint after this many batches. */
  readonly checkpointEveryBatches: number;
  /** Runs the function on a batch; settles once the function has run, whether it succeeded or failed. */
  readonly process: (events: StoredEvent[]) => Promise<void>;
  readonly hostLog: HostLogger;
  /** Names the pump in log lines, e.g. "Function 'x' (event hub 'h', partition 0)". */
  readonly label: string;
}

const idlePollMs = 200;
const maxBackoffMs = 10_000;

/**
 * Feeds one partition to the function, in order: reads the events after the checkpoint, runs the
 * function, then checkpoints, even when the function failed (as the Event Hubs trigger does). A crash
 * between the run and the checkpoint redelivers the batch: at least once, never lost.
 */
export class PartitionPump {
  constructor(private readonly options: PartitionPumpOptions) {}

  async run(signal: AbortSignal): Promise<void> {
    const { partitionId, log, maxBatchSize, checkpointEveryBatches } = this.options;
    let pending = await this.#readCheckpoint(signal);
    let next = pending ? pending.sequenceNumber + 1 : await this.#initialSequenceNumber(signal);
    let batchesSinceCheckpoint = 0;
    let failures = 0;
    while (!signal.aborted) {
      // A checkpoint that failed after its batch is retried before anything else is read.
      if (pending && batchesSinceCheckpoint >= checkpointEveryBatches) {
        await sleep(backoff(++failures), signal);
        if (await this.#tryCheckpoint(pending, failures + 1)) batchesSinceCheckpoint = 0;
        continue;
      }
      let events: StoredEvent[];
      try {
        events = await log.read(partitionId, next, maxBatchSize);
        failures = 0;
      } catch (error) {
        this.options.hostLog.warn(
          `${this.options.label}: reading events failed, retrying: ${message(error)}`,
        );
        await sleep(backoff(++failures), signal);
        continue;
      }
      if (events.length === 0) {
        await sleep(idlePollMs, signal);
        continue;
      }
      await this.#process(events);
      const last = events[events.length - 1]!;
      next = last.sequenceNumber + 1;
      pending = { sequenceNumber: last.sequenceNumber, offset: last.offset };
      // Checkpoint right after the batch, even when the host is stopping meanwhile.
      if (++batchesSinceCheckpoint >= checkpointEveryBatches && (await this.#tryCheckpoint(pending, 1))) {
        batchesSinceCheckpoint = 0;
      }
    }
  }

  async #process(events: StoredEvent[]): Promise<void> {
    try {
      await this.options.process(events);
    } catch (error) {
      // Function failures are logged by the invocation itself; this is the host's own fault.
      this.options.hostLog.error(
        `${this.options.label}: processing a batch failed in the host: ${message(error)}`,
      );
    }
  }

  async #readCheckpoint(signal: AbortSignal): Promise<Checkpoint | undefined> {
    for (let attempt = 1; !signal.aborted; attempt++) {
      try {
        return await this.options.checkpoints.read(this.options.partitionId);
      } catch (error) {
        this.options.hostLog.warn(
          `${this.options.label}: reading the checkpoint failed, retrying: ${message(error)}`,
        );
        await sleep(backoff(attempt), signal);
      }
    }
    return undefined;
  }

  async #initialSequenceNumber(signal: AbortSignal): Promise<number> {
    for (let attempt = 1; !signal.aborted; attempt++) {
      try {
        return await this.options.initialSequenceNumber();
      } catch (error) {
        this.options.hostLog.warn(
          `${this.options.label}: finding where to start (initialOffsetOptions) failed, retrying: ${message(error)}`,
        );
        await sleep(backoff(attempt), signal);
      }
    }
    return 0;
  }

  async #tryCheckpoint(checkpoint: Checkpoint, attempt: number): Promise<boolean> {
    try {
      await this.options.checkpoints.write(this.options.partitionId, checkpoint);
      return true;
    } catch (error) {
      this.options.hostLog.warn(
        `${this.options.label}: checkpointing sequence number ${checkpoint.sequenceNumber} failed (attempt ${attempt}), retrying: ${message(error)}`,
      );
      return false;
    }
  }
}

function backoff(failures: number): number {
  return Math.min(maxBackoffMs, 250 * 2 ** Math.min(failures, 10));
}

async function sleep(ms: number, signal: AbortSignal): Promise<void> {
  try {
    await delay(ms, undefined, { signal });
  } catch {
    // Aborted: the pump is stopping.
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
