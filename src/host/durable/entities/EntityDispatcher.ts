import { randomUUID } from 'node:crypto';
import type { AppFunction, HostServices } from '../../HostExtension';
import { InvocationFailedError } from '../../InvocationPipeline';
import type { InstanceRecord } from '../taskHub/InstanceStore';
import { largePayloadThreshold, maxInlineCharacters } from '../taskHub/LargePayloads';
import type { TaskHub } from '../taskHub/TaskHub';
import type { ControlMessage } from '../taskHub/TaskMessage';
import { withEntityErrorMessages } from './entityErrorMessages';
import { parseEntityInstanceId } from './EntityId';
import { streamOf } from './EntityMessages';
import {
  entityStatusOf,
  parseSchedulerState,
  serializeSchedulerState,
  type EntitySchedulerState,
} from './EntitySchedulerState';
import { runEntityBatch, type EntityBatchRequest, type EntityBatchResult } from './runEntityBatch';
import { selectEntityMessages } from './selectEntityMessages';

export interface EntityDispatcherOptions {
  readonly hub: TaskHub;
  readonly services: HostServices;
  /** The app's entity functions by lower-case name. */
  readonly entities: ReadonlyMap<string, AppFunction>;
  /** host.json entityMessageReorderWindowInMinutes, in ms. */
  readonly windowMs: number;
}

/** A received message as the orchestration dispatcher hands it over (an InboxItem). */
export interface EntityInboxItem {
  readonly message: ControlMessage;
  /** Deletes the message: it is consumed. */
  complete(): Promise<void>;
}

interface LoadedEntity {
  readonly record: InstanceRecord | undefined;
  readonly state: EntitySchedulerState;
}

/**
 * Runs entity batches for the orchestration dispatcher, which hands it the control messages of
 * `@name@key` instances (one batch per entity at a time). Each batch: re-sends what a crash may have
 * left unsent, picks the requests to apply (deduplicated, in each sender's order), runs them through
 * the entity function in one invocation, commits the new state with the memory of what it applied in
 * one ETag-checked write of the entity's row, sends the responses and signals, clears them from the
 * row, and only then deletes the messages it consumed.
 */
export class EntityDispatcher {
  readonly #cache = new Map<string, LoadedEntity>();
  /** Client signals whose queue messages this host deleted since the entity's last commit. */
  readonly #deleted = new Map<string, Set<string>>();
  readonly #hostStartedAt = Date.now();

  constructor(private readonly options: EntityDispatcherOptions) {}

  /** Drops what is cached about an entity (after a failed batch, it is read again from storage). */
  forget(instanceId: string): void {
    this.#cache.delete(instanceId);
  }

  async process<M extends EntityInboxItem>(
    instanceId: string,
    batch: readonly M[],
    hold: (item: M, until: number) => Promise<void>,
  ): Promise<void> {
    let loaded = await this.#load(instanceId);
    // A non-empty outbox was committed but maybe not sent: the host died, or the sends failed.
    if (loaded.state.outbox?.length) loaded = await this.#sendOutbox(instanceId, loaded);
    const now = Date.now();
    const deleted = this.#deleted.get(instanceId) ?? new Set<string>();
    const selection = selectEntityMessages(
      { streams: loaded.state.streams ?? {}, clients: loaded.state.clients ?? [] },
      batch,
      now,
      { windowMs: this.options.windowMs, hostStartedAt: this.#hostStartedAt, deleted },
    );
    for (const { message, until } of selection.hold) await hold(message, until);
    if (selection.apply.length > 0) {
      const outcome = await runEntityBatch({
        instanceId,
        entity: parseEntityInstanceId(instanceId)!,
        state: loaded.state,
        messages: selection.apply.map((entry) => entry.message),
        now: new Date(now).toISOString(),
        windowMs: this.options.windowMs,
        invoke: this.#invoker(instanceId),
      });
      if (outcome.failure)
        this.options.services.log.error(`Durable entity ${instanceId}: its batch failed: ${outcome.failure}`);
      const state = { ...outcome.state, ...selection.memory };
      loaded = await this.#commit(instanceId, loaded, state, now);
      this.#deleted.delete(instanceId);
      this.options.services.crashPoints.reached('entity-after-commit', instanceId);
      if (state.outbox?.length) loaded = await this.#sendOutbox(instanceId, loaded);
    }
    const consumed = [...selection.apply.map((entry) => entry.item), ...selection.drop];
    await Promise.all(consumed.map((item) => item.complete()));
    this.#rememberDeleted(instanceId, consumed);
  }

  async #load(instanceId: string): Promise<LoadedEntity> {
    const cached = this.#cache.get(instanceId);
    if (cached) return cached;
    const record = await this.options.hub.instances.read(instanceId);
    const loaded = { record, state: parseSchedulerState(record?.input) };
    this.#cache.set(instanceId, loaded);
    return loaded;
  }

  /**
   * Writes the entity's row: the state, the memory and the outbox go in one ETag-checked write. Each
   * write is a new execution (as each batch of the extension's entity scheduler continues as new), so a
   * state too large for the row goes to a blob of its own: a write that fails leaves the committed one
   * untouched.
   */
  async #commit(
    instanceId: string,
    loaded: LoadedEntity,
    state: EntitySchedulerState,
    now: number,
  ): Promise<LoadedEntity> {
    const time = new Date(now).toISOString();
    const previous = loaded.record;
    const record: InstanceRecord = {
      ...(previous ?? {
        instanceId,
        name: parseEntityInstanceId(instanceId)!.name,
        createdTime: time,
        historyLength: 0,
      }),
      executionId: randomUUID().replace(/-/g, ''),
      runtimeStatus: 'Running',
      input: serializeSchedulerState(state),
      customStatus: JSON.stringify(entityStatusOf(state)),
      lastUpdatedTime: time,
    };
    // Throws ConcurrencyConflictError if the row changed meanwhile; the dispatcher then retries.
    const etag =
      record.etag === undefined
        ? await this.options.hub.instances.create(record)
        : await this.options.hub.instances.update(record);
    const committed = { record: { ...record, etag }, state };
    this.#cache.set(instanceId, committed);
    if (previous && storedInBlob(previous.input)) {
      await this.options.hub.payloads.deletePrefix(`${instanceId}/${previous.executionId}/`);
    }
    return committed;
  }

  /** Sends the committed outbox (receivers apply duplicates once), then clears it from the row. */
  async #sendOutbox(instanceId: string, loaded: LoadedEntity): Promise<LoadedEntity> {
    const outbox = loaded.state.outbox ?? [];
    await Promise.all(outbox.map((message) => this.options.hub.queues.sendControl(message)));
    return this.#commit(instanceId, loaded, { ...loaded.state, outbox: [] }, Date.now());
  }

  #invoker(instanceId: string) {
    const entity = parseEntityInstanceId(instanceId)!;
    const fn = this.options.entities.get(entity.name.toLowerCase());
    if (!fn) return undefined;
    return async (request: EntityBatchRequest): Promise<EntityBatchResult | { error: string }> => {
      try {
        const response = await withEntityErrorMessages(() =>
          this.options.services.invoke(fn, {
            triggerData: { string: JSON.stringify(request) },
            reason: `Entity ${instanceId}: ${request.batch.length} operation(s)`,
          }),
        );
        const json = response.returnValue?.json ?? response.returnValue?.string;
        if (typeof json !== 'string')
          return { error: `Entity '${fn.name}' returned no state: is it registered with df.app.entity?` };
        return JSON.parse(json) as EntityBatchResult;
      } catch (error) {
        if (!(error instanceof InvocationFailedError)) throw error;
        return { error: error.cause.message };
      }
    };
  }

  /** Client signals whose messages are deleted cannot come back: the next commit forgets them. */
  #rememberDeleted(instanceId: string, consumed: readonly EntityInboxItem[]): void {
    const ids = consumed.flatMap((item) => {
      const input = item.message.event.Input;
      if (input === undefined) return [];
      try {
        const body = JSON.parse(input) as { id?: string; parent?: string; seq?: number };
        return body.id !== undefined && streamOf(body) === undefined ? [body.id] : [];
      } catch {
        return [];
      }
    });
    if (ids.length === 0) return;
    const deleted = this.#deleted.get(instanceId) ?? new Set<string>();
    for (const id of ids) deleted.add(id);
    this.#deleted.set(instanceId, deleted);
  }
}

/** Whether the instance store kept this text in a blob rather than in the row. */
function storedInBlob(text: string | undefined): boolean {
  return (
    text !== undefined &&
    (text.length > maxInlineCharacters || Buffer.byteLength(text) > largePayloadThreshold)
  );
}
