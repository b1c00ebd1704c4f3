import type { ControlMessage } from '../taskHub/TaskMessage';
import { entityInstanceId, type EntityId } from './EntityId';
import { entityMessage, responseMessage, type EntityRequest } from './EntityMessages';
import type { EntitySchedulerState } from './EntitySchedulerState';
import { planEntityBatch } from './planEntityBatch';
import type { EntityMessage } from './selectEntityMessages';

/** The entity trigger's input, as the extension sends it to out-of-process workers. */
export interface EntityBatchRequest {
  self: EntityId;
  exists: boolean;
  /** JSON text, or null when the entity has no state. */
  state: string | null;
  batch: { name: string; input?: string; isSignal: boolean; id: string }[];
}

/** The entity function's return value: durable-functions' EntityState. */
export interface EntityBatchResult {
  entityExists: boolean;
  entityState?: string;
  results: { isError: boolean; duration?: number; result?: string }[];
  signals: { target: EntityId; name: string; input?: string }[];
}

/** Runs a batch through the app's entity function: its result, or why the whole batch failed. */
export type EntityInvoker = (request: EntityBatchRequest) => Promise<EntityBatchResult | { error: string }>;

export interface EntityBatchInput {
  readonly instanceId: string;
  readonly entity: EntityId;
  readonly state: EntitySchedulerState;
  /** The messages selected for this batch, in order. */
  readonly messages: readonly EntityMessage[];
  readonly now: string;
  /** How long the entity's record of what it sent to each entity is kept (the receivers' window). */
  readonly windowMs: number;
  /** Undefined when the app registers no entity function of this name. */
  readonly invoke: EntityInvoker | undefined;
}

export interface EntityBatchOutcome {
  /** The state to commit; its `outbox` holds the messages to send once it is committed. */
  readonly state: EntitySchedulerState;
  readonly operations: number;
  /** Why the batch's operations all failed, if they did. */
  readonly failure?: string;
}

/**
 * One entity batch: orders the requests around the lock, runs the operations through the entity
 * function in one invocation, and turns its results into the new state and the messages to send
 * (call responses, the entity's own signals, lock grants). Pure apart from `invoke`.
 */
export async function runEntityBatch(input: EntityBatchInput): Promise<EntityBatchOutcome> {
  const plan = planEntityBatch(input.state, input.messages);
  const state: EntitySchedulerState = { ...input.state, lockedBy: plan.lockedBy, queue: plan.queue };
  const outbox: ControlMessage[] = [];
  let failure: string | undefined;
  if (plan.operations.length > 0) {
    const result = await invokeBatch(input, plan.operations);
    failure = 'error' in result ? result.error : undefined;
    const { results, signals } = 'error' in result ? failedBatch(plan.operations, result.error) : result;
    if (!('error' in result)) {
      state.exists = result.entityExists;
      state.state = result.entityExists ? result.entityState : undefined;
    }
    plan.operations.forEach((request, index) => {
      if (request.signal) return;
      const outcome = results[index]!;
      const response = outcome.isError
        ? { result: outcome.result, exceptionType: 'Error' }
        : { result: outcome.result };
      outbox.push(responseMessage(input.instanceId, request, response, input.now));
    });
    for (const signal of signals) {
      const target = entityInstanceId(signal.target);
      const position = nextInStream(state, target, input);
      const request: EntityRequest = {
        id: `${input.instanceId}|${position.seq}`,
        op: signal.name,
        signal: true,
        // The SDK sends "" for a signal without input.
        input: signal.input === '' ? undefined : signal.input,
        parent: input.instanceId,
        timestamp: input.now,
        ...position,
      };
      outbox.push(entityMessage(request.id, target, 'op', request));
    }
  }
  for (const request of plan.locked) outbox.push(...passLockOn(request, state, input));
  return {
    state: { ...state, outbox: [...(state.outbox ?? []), ...outbox] },
    operations: plan.operations.length,
    failure,
  };
}

async function invokeBatch(
  input: EntityBatchInput,
  operations: EntityRequest[],
): Promise<EntityBatchResult | { error: string }> {
  if (!input.invoke) {
    return {
      error: `The function '${input.entity.name}' doesn't exist, is disabled, or is not an entity function.`,
    };
  }
  const result = await input.invoke({
    self: input.entity,
    exists: input.state.exists,
    state: input.state.state ?? null,
    batch: operations.map((request) => ({
      name: request.op ?? '',
      input: request.input,
      isSignal: request.signal === true,
      id: request.id,
    })),
  });
  if ('error' in result) return result;
  if (!Array.isArray(result.results) || result.results.length !== operations.length) {
    return {
      error: `Entity '${input.entity.name}' returned ${result.results?.length ?? 'no'} results for ${operations.length} operations: is it registered with df.app.entity?`,
    };
  }
  return { ...result, signals: result.signals ?? [] };
}

/** Every operation fails with the batch's error; the state stays as it was and nothing is signalled. */
function failedBatch(
  operations: EntityRequest[],
  error: string,
): Pick<EntityBatchResult, 'results' | 'signals'> {
  return {
    results: operations.map(() => ({ isError: true, result: JSON.stringify(error) })),
    signals: [],
  };
}

/** A granted lock request goes on to the next entity of its lock set, or back to the orchestration. */
function passLockOn(
  request: EntityRequest,
  state: EntitySchedulerState,
  input: EntityBatchInput,
): ControlMessage[] {
  const lockset = request.lockset ?? [];
  const next = (request.pos ?? 0) + 1;
  if (next >= lockset.length) return [responseMessage(input.instanceId, request, {}, input.now)];
  const target = entityInstanceId(lockset[next]!);
  const forward: EntityRequest = {
    ...request,
    pos: next,
    from: input.instanceId,
    timestamp: input.now,
    ...nextInStream(state, target, input),
  };
  return [entityMessage(`${input.instanceId}|${forward.seq}`, target, 'op', forward)];
}

/**
 * Numbers the entity's next message to `target` in its own stream, naming the previous one sent there
 * (while the receiver still remembers this sender) so that the receiver applies them in order.
 */
function nextInStream(
  state: EntitySchedulerState,
  target: string,
  input: Pick<EntityBatchInput, 'now' | 'windowMs'>,
): { seq: number; predecessor?: number; predecessorAt?: string } {
  const seq = (state.sent ?? 0) + 1;
  const sentTo = { ...state.sentTo };
  const now = Date.parse(input.now);
  for (const [key, entry] of Object.entries(sentTo))
    if (Date.parse(entry.at) + input.windowMs < now) delete sentTo[key];
  const previous = sentTo[target];
  sentTo[target] = { seq, at: input.now };
  state.sent = seq;
  state.sentTo = sentTo;
  return { seq, predecessor: previous?.seq, predecessorAt: previous?.at };
}
