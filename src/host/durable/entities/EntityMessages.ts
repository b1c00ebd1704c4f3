import { EventType, newEvent } from '../history/HistoryEvent';
import type { ControlMessage } from '../taskHub/TaskMessage';
import type { EntityId } from './EntityId';

/** Event names of entity messages, as the extension raises them on entity instances. */
export const entityEventNames = { operation: 'op', release: 'release' } as const;

/**
 * An operation or lock request on its way to an entity: the extension's RequestMessage JSON (`id`,
 * `op`, `signal`, `input`, `parent`, `parentExecution`, `lockset`, `pos`), plus the fields this backend
 * orders and deduplicates a sender's stream with.
 */
export interface EntityRequest {
  /** Unique per request; a call's response is raised on the caller under this name. */
  readonly id: string;
  /** The operation; absent for a lock request. */
  readonly op?: string;
  readonly signal?: boolean;
  /** JSON text. */
  readonly input?: string;
  /** The orchestration or entity that sent it; absent for a client's signal. */
  readonly parent?: string;
  readonly parentExecution?: string;
  /** When it was sent (ISO). */
  readonly timestamp: string;
  /** The entity that passed a lock request on, when it is not `parent` (the lock's orchestration). */
  readonly from?: string;
  /** Position in the sender's stream of messages to this entity; increases with every message. */
  readonly seq?: number;
  /** `seq` of the sender's previous message to this entity, and when that one was sent (ISO). */
  readonly predecessor?: number;
  readonly predecessorAt?: string;
  /** Lock requests: the entities to lock, sorted, and which of them this message is for. */
  readonly lockset?: EntityId[];
  readonly pos?: number;
}

/** A lock's release, sent by the orchestration that holds it to each entity it locked. */
export interface EntityRelease {
  readonly parent: string;
  /** The lock request's id. */
  readonly id: string;
  readonly timestamp: string;
  readonly seq?: number;
  readonly predecessor?: number;
  readonly predecessorAt?: string;
}

/** What a caller receives for an operation: the extension's ResponseMessage JSON. */
export interface EntityResponse {
  /** The operation's result (JSON text), or for a failed one the error as the entity serialized it. */
  readonly result?: string;
  /** Set when the operation threw. */
  readonly exceptionType?: string;
}

/** The sender a request or release counts in the stream of, for ordering; undefined for clients. */
export function streamOf(message: {
  readonly parent?: string;
  readonly parentExecution?: string;
  readonly from?: string;
  readonly seq?: number;
}): string | undefined {
  if (message.seq === undefined) return undefined;
  if (message.from !== undefined) return message.from;
  if (message.parent === undefined) return undefined;
  return message.parentExecution ? `${message.parent}|${message.parentExecution}` : message.parent;
}

/** The control message carrying a request (or a release) to an entity instance. */
export function entityMessage(
  id: string,
  target: string,
  name: (typeof entityEventNames)[keyof typeof entityEventNames],
  body: EntityRequest | EntityRelease,
): ControlMessage {
  return {
    kind: 'control',
    id,
    instanceId: target,
    event: newEvent(EventType.EventRaised, body.timestamp, { Name: name, Input: JSON.stringify(body) }),
  };
}

/** The control message raising a call's response (or a lock's grant) on the calling orchestration. */
export function responseMessage(
  entityInstanceId: string,
  request: EntityRequest,
  response: EntityResponse,
  timestamp: string,
): ControlMessage {
  return {
    kind: 'control',
    // Deterministic, so a response sent again is applied once.
    id: `${entityInstanceId}|${request.id}|${request.pos ?? 0}`,
    instanceId: request.parent ?? '',
    executionId: request.parentExecution,
    event: newEvent(EventType.EventRaised, timestamp, { Name: request.id, Input: JSON.stringify(response) }),
  };
}

/** The request or release a control message carries to an entity, or undefined for any other event. */
export function parseEntityMessage(
  message: ControlMessage,
): { kind: 'request'; request: EntityRequest } | { kind: 'release'; release: EntityRelease } | undefined {
  const { event } = message;
  if (event.EventType !== EventType.EventRaised || event.Input === undefined) return undefined;
  try {
    if (event.Name === entityEventNames.operation)
      return { kind: 'request', request: JSON.parse(event.Input) as EntityRequest };
    if (event.Name === entityEventNames.release)
      return { kind: 'release', release: JSON.parse(event.Input) as EntityRelease };
  } catch {
    return undefined;
  }
  return undefined;
}
