import { randomUUID } from 'node:crypto';
import type { AppFunction, HostServices } from '../../HostExtension';
import type { RpcTypedData } from '../../core/coreTypes';
import { rpcDataToValue } from '../../converters/rpcTypedData';
import { InvocationFailedError } from '../../InvocationPipeline';
import { EventType, newEvent } from '../history/HistoryEvent';
import type { MessageQueues, Received } from '../taskHub/MessageQueues';
import type { ActivityMessage, ControlMessage } from '../taskHub/TaskMessage';
import { QueuePoller } from './QueuePoller';
import { Semaphore } from './Semaphore';
import type { CrashPoints } from './CrashPoints';

export interface ActivityDispatcherOptions {
  queues: MessageQueues;
  services: HostServices;
  activities: ReadonlyMap<string, AppFunction>;
  maxConcurrent: number;
  visibilityTimeoutMs: number;
  maxPollingIntervalMs: number;
  crashPoints: CrashPoints;
  /**
   * Hands a result to this host's orchestration dispatcher instead of sending it through the control
   * queue; `complete` (delete the work item) must run only after the result is committed.
   */
  deliverLocally?: (message: ControlMessage, complete: () => Promise<void>) => void;
}

/**
 * Runs activity work items: invokes the activity and passes its result (or failure) to the
 * orchestration, then deletes the work item once the result is safe: after it is committed to history
 * (local hand-over) or sent to the control queue. A crash before the delete runs the activity again
 * (at-least-once); the orchestration applies only the first result per task id.
 */
export class ActivityDispatcher {
  readonly #poller: QueuePoller;
  readonly #slots: Semaphore;
  readonly #running = new Set<Promise<void>>();

  constructor(private readonly options: ActivityDispatcherOptions) {
    this.#slots = new Semaphore(options.maxConcurrent);
    this.#poller = new QueuePoller(
      () => this.#poll(),
      options.maxPollingIntervalMs,
      (error) => options.services.log.error(`Durable activity dispatcher: ${(error as Error).message}`),
    );
  }

  start(): void {
    this.#poller.start();
  }

  wake(): void {
    this.#poller.wake();
  }

  async stop(): Promise<void> {
    await this.#poller.stop();
    await Promise.allSettled([...this.#running]);
  }

  async #poll(): Promise<boolean> {
    const free = this.#slots.available;
    if (free === 0) return false;
    const received = await this.options.queues.receiveActivities(
      Math.min(free, 32),
      this.options.visibilityTimeoutMs,
    );
    for (const item of received) {
      const run = this.#slots.run(() => this.#runActivity(item)).finally(() => this.#running.delete(run));
      this.#running.add(run);
    }
    return received.length > 0;
  }

  async #runActivity(item: Received<ActivityMessage>): Promise<void> {
    const { message } = item;
    const keepHidden = setInterval(() => {
      this.options.queues.hide(item, this.options.visibilityTimeoutMs).catch(() => undefined);
    }, this.options.visibilityTimeoutMs / 2);
    try {
      const event = await this.#invoke(message);
      const result: ControlMessage = { kind: 'control', id: randomUUID(), instanceId: message.instanceId, executionId: message.executionId, event };
      if (this.options.deliverLocally) {
        this.options.deliverLocally(result, () => this.options.queues.delete(item));
        this.options.crashPoints.reached('activity-after-result');
        return;
      }
      await this.options.queues.sendControl(result);
      this.options.crashPoints.reached('activity-after-result');
      await this.options.queues.delete(item);
    } finally {
      clearInterval(keepHidden);
    }
  }

  async #invoke(message: ActivityMessage) {
    const now = () => new Date().toISOString();
    const fn = this.options.activities.get(message.name.toLowerCase());
    if (!fn) {
      const reason = `The function '${message.name}' doesn't exist, is disabled, or is not an activity function.`;
      return newEvent(EventType.TaskFailed, now(), {
        TaskScheduledId: message.taskScheduledId,
        Reason: reason,
        Details: reason,
      });
    }
    try {
      const response = await this.options.services.invoke(fn, {
        triggerData: { json: message.input ?? 'null' },
        triggerMetadata: { instanceId: { string: message.instanceId } },
        reason: `Activity for orchestration ${message.instanceId}`,
      });
      return newEvent(EventType.TaskCompleted, now(), {
        TaskScheduledId: message.taskScheduledId,
        Result: resultToJson(response.returnValue),
      });
    } catch (error) {
      if (!(error instanceof InvocationFailedError)) throw error;
      return newEvent(EventType.TaskFailed, now(), {
        TaskScheduledId: message.taskScheduledId,
        Reason: `Activity function '${fn.name}' failed: ${error.cause.message}`,
        Details: error.cause.stack ?? error.cause.message,
      });
    }
  }
}

/** An activity's return value as JSON text; string results stay strings ("123" is not a number). */
function resultToJson(data: RpcTypedData | null | undefined): string {
  if (!data) return 'null';
  const value = rpcDataToValue(data);
  if (Buffer.isBuffer(value)) return JSON.stringify(value.toString('base64'));
  return JSON.stringify(value ?? null);
}
