import { randomUUID } from 'node:crypto';
import type { AppFunction, HostServices } from '../../HostExtension';
import type { RpcTypedData } from '../../core/coreTypes';
import { rpcDataToValue } from '../../converters/rpcTypedData';
import { InvocationFailedError } from '../../InvocationPipeline';
import { EventType, newEvent, type HistoryEvent } from '../history/HistoryEvent';
import { HeldMessages } from '../taskHub/HeldMessages';
import type { MessageLease } from '../taskHub/MessageLease';
import type { MessageQueues } from '../taskHub/MessageQueues';
import type { ActivityBatchMessage, ActivityMessage, ControlMessage } from '../taskHub/TaskMessage';
import type { CrashPoints } from '../../CrashPoints';
import { QueuePoller } from './QueuePoller';
import { Semaphore } from './Semaphore';

export interface ActivityDispatcherOptions {
  queues: MessageQueues;
  services: HostServices;
  activities: ReadonlyMap<string, AppFunction>;
  maxConcurrent: number;
  /** How long a work item stays hidden per renewal: how soon it comes back after a crash. */
  visibilityTimeoutMs: number;
  maxPollingIntervalMs: number;
  crashPoints: CrashPoints;
  /**
   * Hands a result to this host's orchestration dispatcher instead of sending it through the control
   * queue; `complete` must run only after the result is committed to history. `dequeueCount` is its
   * work item's: above 1, the result may already be in history.
   */
  deliverLocally?: (message: ControlMessage, dequeueCount: number, complete: () => Promise<void>) => void;
}

/**
 * Runs activity work items: invokes each activity and passes its result (or failure) to the
 * orchestration. A work item is held under a renewed lease while its activities run, and deleted once
 * every result in it is safe: committed to history (local hand-over) or sent to the control queue. A
 * crash before that runs its activities again once the lease lapses (at-least-once); the orchestration
 * applies only the first result per task id.
 */
export class ActivityDispatcher {
  readonly #poller: QueuePoller;
  readonly #slots: Semaphore;
  readonly #leases: HeldMessages;
  readonly #running = new Set<Promise<void>>();
  /** Activities (by message id) of the work items this host holds, with how many copies it holds. */
  readonly #held = new Map<string, number>();
  #inFlight = 0;

  constructor(private readonly options: ActivityDispatcherOptions) {
    this.#slots = new Semaphore(options.maxConcurrent);
    this.#leases = new HeldMessages(options.queues, options.visibilityTimeoutMs, (error) =>
      options.services.log.warn(
        `Durable activity dispatcher: could not extend a work item's visibility (${(error as Error).message}); retrying.`,
      ),
    );
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

  /**
   * Whether this host holds a work item with this activity (`ActivityMessage.id`): its result is on its
   * way, or the work item reappears, so sending the activity again would only run it twice.
   */
  holds(activityId: string): boolean {
    return this.#held.has(activityId);
  }

  async #poll(): Promise<boolean> {
    // Enough queued work keeps every slot busy; take more only when it runs low.
    if (this.#inFlight >= this.options.maxConcurrent * 2) return false;
    const received = await this.options.queues.receiveActivities(4, this.options.visibilityTimeoutMs);
    for (const item of received) {
      const lease = this.#leases.hold(item);
      if (!lease) {
        this.options.services.log.host(
          'debug',
          `Durable: work item ${item.message.id} came back while running here (a visibility renewal was late); it is not run again.`,
        );
        continue;
      }
      const run = this.#runBatch(lease).finally(() => this.#running.delete(run));
      this.#running.add(run);
    }
    return received.length > 0;
  }

  async #runBatch(lease: MessageLease<ActivityBatchMessage>): Promise<void> {
    const item = lease.received;
    const { activities } = item.message;
    this.#inFlight += activities.length;
    for (const { id } of activities) this.#held.set(id, (this.#held.get(id) ?? 0) + 1);
    let unsettled = activities.length;
    let failed = false;
    const settled = new Promise<void>((resolve) => {
      const onSafe = () => {
        if (--unsettled === 0) resolve();
        return Promise.resolve();
      };
      for (const activity of activities) {
        void this.#slots
          .run(() => this.#runActivity(activity, item.dequeueCount, onSafe))
          .catch((error: unknown) => {
            // A fault of the host, not of the activity: leave the work item to reappear and run again.
            failed = true;
            this.options.services.log.error(
              `Durable activity ${activity.name} will be retried: ${(error as Error).message}`,
            );
            void onSafe();
          })
          .finally(() => this.#inFlight--);
      }
    });
    try {
      await settled;
      if (failed) lease.abandon();
      else await lease.complete();
    } catch (error) {
      this.options.services.log.error(
        `Durable activity dispatcher: a finished work item could not be deleted and will run again: ${(error as Error).message}`,
      );
    } finally {
      for (const { id } of activities) this.#release(id);
    }
  }

  #release(activityId: string): void {
    const copies = (this.#held.get(activityId) ?? 1) - 1;
    if (copies > 0) this.#held.set(activityId, copies);
    else this.#held.delete(activityId);
  }

  async #runActivity(
    activity: ActivityMessage,
    dequeueCount: number,
    onSafe: () => Promise<void>,
  ): Promise<void> {
    const event = await this.#invoke(activity);
    const result: ControlMessage = {
      kind: 'control',
      id: randomUUID(),
      instanceId: activity.instanceId,
      executionId: activity.executionId,
      event,
    };
    if (this.options.deliverLocally) {
      this.options.deliverLocally(result, dequeueCount, onSafe);
    } else {
      await this.options.queues.sendControl(result);
      await onSafe();
    }
    this.options.crashPoints.reached('activity-after-result');
  }

  async #invoke(message: ActivityMessage): Promise<HistoryEvent> {
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
        // As on Azure, an object input's properties feed {expressions} in the activity's other bindings.
        bindingData: inputProperties(message.input),
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

function inputProperties(input: string | undefined): Record<string, unknown> | undefined {
  if (input === undefined) return undefined;
  const value: unknown = JSON.parse(input);
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
