import {
  installEntityErrorMessages,
  withEntityErrorMessages,
} from '../../../src/host/durable/entities/entityErrorMessages';
import { isEntityInstanceId, parseEntityInstanceId } from '../../../src/host/durable/entities/EntityId';
import type { EntitySchedulerState } from '../../../src/host/durable/entities/EntitySchedulerState';
import {
  runEntityBatch,
  type EntityBatchResult,
  type EntityInvoker,
} from '../../../src/host/durable/entities/runEntityBatch';
import { selectEntityMessages } from '../../../src/host/durable/entities/selectEntityMessages';
import type { ControlMessage } from '../../../src/host/durable/taskHub/TaskMessage';

// The SDK's own helpers wrap an entity function the way df.app.entity does.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const testing = require('durable-functions/lib/src/util/testingUtils') as {
  createEntityFunction(fn: unknown): (trigger: unknown, context: unknown) => Promise<EntityBatchResult>;
  DummyEntityContext: new () => unknown;
};

export type EntityHandler = (context: never) => unknown;

/** An entity function run through durable-functions' Entity code, as the host invokes it. */
export function sdkEntityInvoker(handler: EntityHandler): EntityInvoker {
  installEntityErrorMessages();
  const fn = testing.createEntityFunction(handler);
  return (request) =>
    withEntityErrorMessages(() => fn(JSON.parse(JSON.stringify(request)), new testing.DummyEntityContext()));
}

/**
 * Entities of an in-memory run: messages to `@name@key` instances are applied in batches through the
 * backend's selection and batch logic and the SDK's entity code; what they send to orchestrations
 * comes back from `deliver`.
 */
export class InMemoryEntities {
  readonly states = new Map<string, EntitySchedulerState>();
  readonly #invokers: Map<string, EntityInvoker>;
  #clock: number;

  constructor(handlers: Record<string, EntityHandler>, startTime: number) {
    this.#invokers = new Map(
      Object.entries(handlers).map(([name, handler]) => [name.toLowerCase(), sdkEntityInvoker(handler)]),
    );
    this.#clock = startTime;
  }

  /** Applies the messages (and whatever entities send each other); returns the messages for orchestrations. */
  async deliver(messages: readonly ControlMessage[], now: number): Promise<ControlMessage[]> {
    this.#clock = Math.max(this.#clock, now);
    const toOrchestrations: ControlMessage[] = [];
    let pending = [...messages];
    while (pending.length > 0) {
      const byEntity = new Map<string, ControlMessage[]>();
      for (const message of pending) {
        if (!isEntityInstanceId(message.instanceId)) toOrchestrations.push(message);
        else byEntity.set(message.instanceId, [...(byEntity.get(message.instanceId) ?? []), message]);
      }
      pending = [];
      for (const [instanceId, batch] of byEntity) pending.push(...(await this.#runBatch(instanceId, batch)));
    }
    return toOrchestrations;
  }

  async #runBatch(instanceId: string, batch: ControlMessage[]): Promise<ControlMessage[]> {
    const state = this.states.get(instanceId) ?? { exists: false };
    const now = this.#clock++;
    const selection = selectEntityMessages(
      { streams: state.streams ?? {}, clients: state.clients ?? [] },
      batch.map((message) => ({ message })),
      now,
      { windowMs: 30 * 60_000, hostStartedAt: 0, deleted: new Set() },
    );
    if (selection.hold.length > 0)
      throw new Error(`${instanceId} held messages: their predecessors never came.`);
    const entity = parseEntityInstanceId(instanceId)!;
    const outcome = await runEntityBatch({
      instanceId,
      entity,
      state,
      messages: selection.apply.map((entry) => entry.message),
      now: new Date(now).toISOString(),
      windowMs: 30 * 60_000,
      invoke: this.#invokers.get(entity.name),
    });
    const outbox = outcome.state.outbox ?? [];
    this.states.set(instanceId, { ...outcome.state, ...selection.memory, outbox: [] });
    return outbox;
  }
}
