import type { AppFunction, HostServices } from '../../HostExtension';
import { InvocationFailedError } from '../../InvocationPipeline';
import type { HistoryEvent } from '../history/HistoryEvent';
import { ConcurrencyConflictError, type InstanceRecord } from '../taskHub/InstanceStore';
import type { Received } from '../taskHub/MessageQueues';
import type { TaskHub } from '../taskHub/TaskHub';
import type { ControlMessage } from '../taskHub/TaskMessage';
import type { DurableSettings } from '../durableSettings';
import type { OrchestratorState } from './OrchestratorAction';
import { QueuePoller } from './QueuePoller';
import { recoverPendingWork } from './recoverPendingWork';
import { runEpisode } from './runEpisode';
import { stateFromFailure } from './stateFromFailure';
import { Semaphore } from './Semaphore';
import { selectEvents } from './selectEvents';
import { sendOutbound } from './sendOutbound';

type Item = Received<ControlMessage>;

const retryDelayMs = 1000;
const inMemoryHoldLimitMs = 3000;

/**
 * Runs orchestration episodes from the control queues. Messages of one instance are processed by one
 * episode at a time; each episode commits history (rows, then the instance row with an ETag check)
 * before it sends its messages, and deletes the messages it consumed last.
 */
export class OrchestrationDispatcher {
  readonly #pollers: QueuePoller[];
  readonly #slots: Semaphore;
  readonly #pending = new Map<string, Item[]>();
  readonly #draining = new Map<string, Promise<void>>();
  readonly #cache = new Map<string, { etag: string; executionId: string; history: HistoryEvent[] }>();

  constructor(
    private readonly hub: TaskHub,
    private readonly settings: DurableSettings,
    private readonly services: HostServices,
    private readonly orchestrators: ReadonlyMap<string, AppFunction>,
  ) {
    this.#slots = new Semaphore(settings.maxConcurrentOrchestratorFunctions);
    this.#pollers = Array.from(
      { length: settings.partitionCount },
      (_, partition) =>
        new QueuePoller(
          () => this.#poll(partition),
          settings.maxQueuePollingIntervalMs,
          (error) => services.log.error(`Durable control queue ${partition}: ${(error as Error).message}`),
        ),
    );
  }

  start(): void {
    for (const poller of this.#pollers) poller.start();
  }

  async stop(): Promise<void> {
    await Promise.all(this.#pollers.map((poller) => poller.stop()));
    await Promise.allSettled([...this.#draining.values()]);
  }

  /** A control message was sent for this instance: poll its partition now (or when its timer is due). */
  wake(message: ControlMessage): void {
    const poller = this.#pollers[this.hub.names.partitionOf(message.instanceId)]!;
    const delay = message.notBefore ? Date.parse(message.notBefore) - Date.now() : 0;
    // Mirrors MessageQueues.sendControl: visible after the whole seconds of its delay.
    if (delay >= 1000) poller.wakeAt(Date.now() + Math.floor(delay / 1000) * 1000 + 50);
    else poller.wake();
  }

  async #poll(partition: number): Promise<boolean> {
    const received = await this.hub.queues.receiveControl(
      partition,
      this.settings.controlQueueBatchSize,
      this.settings.controlQueueVisibilityTimeoutMs,
    );
    for (const item of received) {
      const queue = this.#pending.get(item.message.instanceId) ?? [];
      queue.push(item);
      this.#pending.set(item.message.instanceId, queue);
      if (!this.#draining.has(item.message.instanceId)) this.#drain(item.message.instanceId);
    }
    return received.length > 0;
  }

  #drain(instanceId: string): void {
    const loop = (async () => {
      for (let batch = this.#take(instanceId); batch.length > 0; batch = this.#take(instanceId)) {
        await this.#slots
          .run(() => this.#process(instanceId, batch))
          .catch(async (error: unknown) => {
            this.#cache.delete(instanceId);
            this.services.log.error(
              `Durable episode of ${instanceId} failed and will be retried: ${(error as Error).stack ?? String(error)}`,
            );
            await Promise.allSettled(batch.map((item) => this.hub.queues.hide(item, retryDelayMs)));
            this.#pollers[this.hub.names.partitionOf(instanceId)]!.wakeAt(Date.now() + retryDelayMs);
          });
      }
    })().finally(() => this.#draining.delete(instanceId));
    this.#draining.set(instanceId, loop);
  }

  #take(instanceId: string): Item[] {
    const batch = this.#pending.get(instanceId) ?? [];
    this.#pending.delete(instanceId);
    return batch;
  }

  async #process(instanceId: string, batch: Item[]): Promise<void> {
    const record = await this.hub.instances.read(instanceId);
    const history = record ? await this.#history(record) : [];
    const now = Date.now();
    const selection = selectEvents(record, history, batch, now);
    for (const { message, until } of selection.hold) await this.#hold(instanceId, message, until);
    if (selection.apply.length === 0) {
      // Only redelivered messages: the episode that consumed them may have died before sending its work.
      if (record && selection.drop.some((item) => item.dequeueCount > 1)) {
        await recoverPendingWork(this.hub, record, history, this.orchestrators);
      }
      await Promise.all(selection.drop.map((item) => this.hub.queues.delete(item)));
      return;
    }
    await this.#runAndCommit(record!, history, selection.apply, new Date(now).toISOString());
    await Promise.all([...selection.apply, ...selection.drop].map((item) => this.hub.queues.delete(item)));
  }

  /**
   * Keeps a message for later. Queue visibility has whole-second granularity, so what is due within a
   * few seconds waits in memory (still invisible from its receive) for sub-second timer precision.
   */
  async #hold(instanceId: string, item: Item, until: number): Promise<void> {
    const delay = until - Date.now();
    if (delay < inMemoryHoldLimitMs && delay < this.settings.controlQueueVisibilityTimeoutMs / 2) {
      setTimeout(
        () => {
          const queue = this.#pending.get(instanceId) ?? [];
          queue.push(item);
          this.#pending.set(instanceId, queue);
          if (!this.#draining.has(instanceId)) this.#drain(instanceId);
        },
        Math.max(delay, 0),
      ).unref();
      return;
    }
    await this.hub.queues.hide(item, delay);
    this.#pollers[this.hub.names.partitionOf(instanceId)]!.wakeAt(until);
  }

  async #runAndCommit(
    record: InstanceRecord,
    history: HistoryEvent[],
    apply: Item[],
    now: string,
  ): Promise<void> {
    const events = apply.map((item) => ({
      ...item.message.event,
      MessageId: item.message.id,
      IsPlayed: false,
      Timestamp: now,
    }));
    const outcome = await runEpisode({
      record,
      history,
      events,
      now,
      invoke: (payload) => this.#invoke(record, payload),
    });
    const newEvents = outcome.history.slice(outcome.firstNewIndex);
    await this.hub.history.write(
      record.instanceId,
      outcome.record.executionId,
      outcome.firstNewIndex,
      newEvents,
    );
    let etag: string;
    try {
      etag = await this.hub.instances.update(outcome.record);
    } catch (error) {
      this.#cache.delete(record.instanceId);
      if (!(error instanceof ConcurrencyConflictError)) throw error;
      // The row changed under us (a client restarted or purged the instance): run again from storage.
      throw new Error(`Instance row changed during the episode; retrying. (${error.message})`);
    }
    this.#cache.set(record.instanceId, {
      etag,
      executionId: outcome.record.executionId,
      history: outcome.history,
    });
    this.settings.crashPoints.reached('after-commit');
    await sendOutbound(this.hub, outcome.outbound, this.orchestrators);
    this.settings.crashPoints.reached('after-send');
    this.services.log.host(
      'debug',
      `Durable: ${record.instanceId} (${record.name}) is ${outcome.record.runtimeStatus}`,
    );
  }

  async #history(record: InstanceRecord): Promise<HistoryEvent[]> {
    const cached = this.#cache.get(record.instanceId);
    if (cached && cached.etag === record.etag && cached.executionId === record.executionId)
      return cached.history;
    return this.hub.history.read(record.instanceId, record.historyLength);
  }

  async #invoke(record: InstanceRecord, payload: unknown): Promise<OrchestratorState> {
    const fn = this.orchestrators.get(record.name.toLowerCase());
    if (!fn)
      return {
        isDone: false,
        actions: [],
        error: `No orchestrator function named '${record.name}' is registered in this app.`,
      };
    try {
      const response = await this.services.invoke(fn, {
        triggerData: { string: JSON.stringify(payload) },
        reason: `Orchestration ${record.instanceId}`,
      });
      const json = response.returnValue?.json ?? response.returnValue?.string;
      if (typeof json !== 'string')
        throw new Error(
          `Orchestrator '${record.name}' returned no state: is it registered with df.app.orchestration?`,
        );
      return JSON.parse(json) as OrchestratorState;
    } catch (error) {
      if (!(error instanceof InvocationFailedError)) throw error;
      return stateFromFailure(error.cause);
    }
  }
}
