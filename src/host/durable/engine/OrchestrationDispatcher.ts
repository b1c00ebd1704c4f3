import type { AppFunction, HostServices } from '../../HostExtension';
import { InvocationFailedError } from '../../InvocationPipeline';
import type { HistoryEvent } from '../history/HistoryEvent';
import { ConcurrencyConflictError, type InstanceRecord } from '../taskHub/InstanceStore';
import { HeldMessages } from '../taskHub/HeldMessages';
import type { TaskHub } from '../taskHub/TaskHub';
import type { ControlMessage } from '../taskHub/TaskMessage';
import type { DurableSettings } from '../durableSettings';
import type { EntityDispatcher } from '../entities/EntityDispatcher';
import { isEntityInstanceId } from '../entities/EntityId';
import { entityMessagesToResend } from '../entities/orchestrationEntityMessages';
import { localItem, queueItem, type InboxItem } from './InboxItem';
import type { OrchestratorState } from './OrchestratorAction';
import { QueuePoller } from './QueuePoller';
import { adoptUnrecordedStart } from './adoptUnrecordedStart';
import { failInstance } from './failInstance';
import { recoverPendingWork } from './recoverPendingWork';
import { runEpisode } from './runEpisode';
import { Semaphore } from './Semaphore';
import { selectEvents } from './selectEvents';
import { sendOutbound } from './sendOutbound';
import { stateFromFailure } from './stateFromFailure';
import { UnsentWork } from './UnsentWork';

const retryDelayMs = 1000;
const maxEpisodeFailures = 5;
const inMemoryHoldLimitMs = 3000;

interface CachedInstance {
  record: InstanceRecord;
  history: HistoryEvent[];
}

/**
 * Runs orchestration episodes from the control queues (and from activity results handed over in
 * memory). Messages of one instance are processed by one episode at a time; each episode commits its
 * history (rows, then the instance row with an ETag check) before it sends its messages, and
 * completes the messages it consumed last.
 */
export class OrchestrationDispatcher {
  readonly #pollers: QueuePoller[];
  readonly #slots: Semaphore;
  readonly #pending = new Map<string, InboxItem[]>();
  readonly #draining = new Map<string, Promise<void>>();
  readonly #cache = new Map<string, CachedInstance>();
  readonly #failures = new Map<string, number>();
  readonly #unsent = new UnsentWork();
  readonly #leases: HeldMessages;
  /** Messages waiting for an episode or in one (messages parked by #hold are not counted). */
  #buffered = 0;

  /**
   * `isActivityHeldHere`: whether this host's activity dispatcher holds a work item with that activity.
   * `entities` runs the batches of entity instances (`@name@key`), whose messages share the control queues.
   */
  constructor(
    private readonly hub: TaskHub,
    private readonly settings: DurableSettings,
    private readonly services: HostServices,
    private readonly orchestrators: ReadonlyMap<string, AppFunction>,
    private readonly isActivityHeldHere: (activityId: string) => boolean = () => false,
    private readonly entities?: EntityDispatcher,
  ) {
    this.#slots = new Semaphore(settings.maxConcurrentOrchestratorFunctions);
    this.#leases = new HeldMessages(hub.queues, settings.controlQueueVisibilityTimeoutMs, (error) =>
      services.log.warn(
        `Durable control queue: could not extend a message's visibility (${(error as Error).message}); retrying.`,
      ),
    );
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
    const poller = this.#poller(message.instanceId);
    const delay = message.notBefore ? Date.parse(message.notBefore) - Date.now() : 0;
    // Mirrors MessageQueues.sendControl: visible after the whole seconds of its delay.
    if (delay >= 1000) poller.wakeAt(Date.now() + Math.floor(delay / 1000) * 1000 + 50);
    else poller.wake();
  }

  /**
   * Takes an activity result from this host directly; `complete` runs after it is committed.
   * `dequeueCount` is that of the result's work item.
   */
  deliver(message: ControlMessage, dequeueCount: number, complete: () => Promise<void>): void {
    const redeliver = (item: InboxItem, delayMs: number) => this.#enqueueLater(item, delayMs);
    this.#enqueue(localItem(message, dequeueCount, complete, redeliver));
  }

  async #poll(partition: number): Promise<boolean> {
    // As the extension's controlQueueBufferThreshold: a backlog (say thousands of signals to one
    // entity) stays in the queue rather than in memory, each message under a lease renewed every few seconds.
    if (this.#buffered >= this.settings.controlQueueBufferThreshold) return false;
    const received = await this.hub.queues.receiveControl(
      partition,
      this.settings.controlQueueBatchSize,
      this.settings.controlQueueVisibilityTimeoutMs,
    );
    for (const item of received) {
      // Undefined: a message this host holds came back (its visibility lapsed); it is applied once anyway.
      const lease = this.#leases.hold(item);
      if (lease) this.#enqueue(queueItem(lease));
    }
    return received.length > 0;
  }

  #enqueue(item: InboxItem): void {
    this.#buffered++;
    const instanceId = item.message.instanceId;
    const queue = this.#pending.get(instanceId) ?? [];
    queue.push(item);
    this.#pending.set(instanceId, queue);
    if (!this.#draining.has(instanceId)) this.#drain(instanceId);
  }

  /** A batch is through (done, or parked again): past the buffer threshold, read the queues again. */
  #unbuffer(count: number): void {
    const wasFull = this.#buffered >= this.settings.controlQueueBufferThreshold;
    this.#buffered -= count;
    if (wasFull && this.#buffered < this.settings.controlQueueBufferThreshold)
      for (const poller of this.#pollers) poller.wake();
  }

  #enqueueLater(item: InboxItem, delayMs: number): void {
    setTimeout(() => this.#enqueue(item), Math.max(delayMs, 0)).unref();
  }

  #drain(instanceId: string): void {
    const loop = (async () => {
      for (let batch = this.#take(instanceId); batch.length > 0; batch = this.#take(instanceId)) {
        await this.#slots
          .run(() => this.#process(instanceId, batch))
          .then(() => this.#failures.delete(instanceId))
          .catch((error: unknown) => this.#episodeFailed(instanceId, batch, error));
        this.#unbuffer(batch.length);
      }
    })().finally(() => this.#draining.delete(instanceId));
    this.#draining.set(instanceId, loop);
  }

  /**
   * A conflict retries at once from storage; other faults retry after a pause, and an instance whose
   * episodes keep failing (a bug, or data the engine cannot read) is marked Failed with the reason
   * instead of being retried forever.
   */
  async #episodeFailed(instanceId: string, batch: InboxItem[], error: unknown): Promise<void> {
    this.#cache.delete(instanceId);
    this.entities?.forget(instanceId);
    if (error instanceof ConcurrencyConflictError) {
      await Promise.allSettled(batch.map((item) => this.#hold(item, Date.now())));
      return;
    }
    const failures = (this.#failures.get(instanceId) ?? 0) + 1;
    this.#failures.set(instanceId, failures);
    const message = error instanceof Error ? error.message : String(error);
    // An entity is never marked Failed: its state stays, and its batch is retried until it goes through.
    if (failures < maxEpisodeFailures || isEntityInstanceId(instanceId)) {
      this.services.log.error(
        `Durable episode of ${instanceId} failed (attempt ${failures} of ${maxEpisodeFailures}), retrying: ${message}`,
      );
      await Promise.allSettled(
        batch.map((item) =>
          this.#hold(item, Date.now() + retryDelayMs * Math.min(failures, maxEpisodeFailures)),
        ),
      );
      return;
    }
    this.#failures.delete(instanceId);
    this.services.log.error(
      `Durable episode of ${instanceId} failed ${failures} times; marking the instance Failed: ${(error as Error).stack ?? message}`,
    );
    await failInstance(
      this.hub,
      instanceId,
      `The host could not run this orchestration: ${message}`,
      this.orchestrators,
    );
    await Promise.allSettled(batch.map((item) => item.complete()));
  }

  #take(instanceId: string): InboxItem[] {
    const pending = this.#pending.get(instanceId) ?? [];
    const limit = isEntityInstanceId(instanceId) ? this.settings.maxEntityOperationBatchSize : pending.length;
    const batch = pending.splice(0, limit);
    if (pending.length === 0) this.#pending.delete(instanceId);
    return batch;
  }

  async #process(instanceId: string, batch: InboxItem[]): Promise<void> {
    if (this.entities && isEntityInstanceId(instanceId)) {
      return this.entities.process(instanceId, batch, (item, until) => this.#hold(item, until));
    }
    const { record, history } = adoptUnrecordedStart(await this.#load(instanceId, batch), batch);
    const now = Date.now();
    const selection = selectEvents(record, history, batch, now);
    for (const { message, until } of selection.hold) await this.#hold(message, until);
    // Work that committed history names may never have been sent: send it again, whether or not this
    // batch also brings new events.
    if (record && this.#unsent.mayExist(record, selection.drop)) {
      const interrupted = this.#unsent.interrupted(record.instanceId);
      // The events applied now complete some of that work: count them with the history.
      const applying = selection.apply.map((item) => item.message.event);
      await recoverPendingWork(
        this.hub,
        record,
        [...history, ...applying],
        this.orchestrators,
        this.isActivityHeldHere,
      );
      const redelivered = selection.drop.filter((item) => item.dequeueCount > 1).map((item) => item.message);
      const resend = entityMessagesToResend(record, history, redelivered, interrupted);
      await Promise.all(resend.map((message) => this.hub.queues.sendControl(message)));
      this.#unsent.recovered(record);
    }
    if (selection.apply.length > 0) {
      await this.#runAndCommit(record!, history, selection.apply, new Date(now).toISOString());
    }
    await Promise.all([...selection.apply, ...selection.drop].map((item) => item.complete()));
  }

  /** The instance and its history: from the cache when it is current for these messages, else from storage. */
  async #load(
    instanceId: string,
    batch: InboxItem[],
  ): Promise<{ record: InstanceRecord | undefined; history: HistoryEvent[] }> {
    const cached = this.#cache.get(instanceId);
    // A message for another execution means a client restarted the instance: the cache is stale.
    if (
      cached &&
      batch.every(
        (item) => !item.message.executionId || item.message.executionId === cached.record.executionId,
      )
    ) {
      return cached;
    }
    const record = await this.hub.instances.read(instanceId);
    return { record, history: record ? await this.hub.history.read(instanceId, record.historyLength) : [] };
  }

  /**
   * Keeps a message for later. Queue visibility has whole-second granularity, so what is due within a
   * few seconds waits in memory (still held under its lease) for sub-second timer precision.
   */
  async #hold(item: InboxItem, until: number): Promise<void> {
    const delay = until - Date.now();
    if (delay < inMemoryHoldLimitMs && delay < this.settings.controlQueueVisibilityTimeoutMs / 2) {
      this.#enqueueLater(item, delay);
      return;
    }
    await item.defer(delay);
    this.#poller(item.message.instanceId).wakeAt(until);
  }

  async #runAndCommit(
    record: InstanceRecord,
    history: HistoryEvent[],
    apply: InboxItem[],
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
    // Throws ConcurrencyConflictError if the row changed (a client restarted or purged the instance, or
    // wrote the row of a start this episode made it for).
    const etag =
      outcome.record.etag === undefined
        ? await this.hub.instances.create(outcome.record)
        : await this.hub.instances.update(outcome.record);
    this.#cache.set(record.instanceId, { record: { ...outcome.record, etag }, history: outcome.history });
    this.#unsent.sending(record.instanceId);
    this.services.crashPoints.reached('after-commit');
    if (outcome.outbound.length > 0) this.services.crashPoints.reached('after-commit-with-sends');
    await sendOutbound(this.hub, outcome.outbound, this.orchestrators);
    this.#unsent.sent(record.instanceId);
    this.services.crashPoints.reached('after-send');
    this.services.log.host(
      'debug',
      `Durable: ${record.instanceId} (${record.name}) is ${outcome.record.runtimeStatus}`,
    );
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

  #poller(instanceId: string): QueuePoller {
    return this.#pollers[this.hub.names.partitionOf(instanceId)]!;
  }
}
