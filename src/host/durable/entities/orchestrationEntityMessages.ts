import { createHash } from 'node:crypto';
import { EventType, newEvent, type HistoryEvent } from '../history/HistoryEvent';
import type { InstanceRecord } from '../taskHub/InstanceStore';
import type { ControlMessage } from '../taskHub/TaskMessage';
import { entityInstanceId } from './EntityId';
import { entityEventNames, entityMessage, type EntityRelease, type EntityRequest } from './EntityMessages';
import type { EntityWork } from './EntityWork';

/** An entity message an orchestration episode sends: its EventSent history event and the message. */
export interface ScheduledEntityMessage {
  readonly event: HistoryEvent;
  readonly message: ControlMessage;
}

/**
 * The EventSent event (as the extension records it: EventId = the task's sequence id, InstanceId =
 * the entity, Input = the request) and the message for an orchestration's call, signal, lock or
 * release. The message numbers itself in the execution's stream to that entity (its sequence id,
 * naming the previous one sent there), so the entity applies the execution's messages in order and once.
 */
export function scheduleEntityWork(
  work: EntityWork,
  record: InstanceRecord,
  history: readonly HistoryEvent[],
  now: string,
): ScheduledEntityMessage {
  const { instanceId, executionId } = record;
  const target = work.kind === 'entityLock' ? entityInstanceId(work.lockSet[0]!) : work.target;
  const stream = {
    parent: instanceId,
    parentExecution: executionId,
    timestamp: now,
    seq: work.id,
    ...predecessorOf(history, target),
  };
  let name: string = entityEventNames.operation;
  let body: EntityRequest | EntityRelease;
  if (work.kind === 'entityLock') {
    body = { ...stream, id: work.requestId, lockset: work.lockSet, pos: 0 };
  } else if (work.kind === 'entityRelease') {
    name = entityEventNames.release;
    body = { ...stream, id: work.requestId };
  } else {
    const signal = work.kind === 'entitySignal';
    body = {
      ...stream,
      id: requestGuid(`${instanceId}|${executionId}|${work.id}`),
      op: work.operation,
      input: work.input,
      ...(signal ? { signal } : {}),
    };
  }
  const event = newEvent(EventType.EventSent, now, {
    EventId: work.id,
    InstanceId: target,
    Name: name,
    Input: JSON.stringify(body),
  });
  return { event, message: messageOf(record, event)! };
}

/**
 * The releases of a lock the orchestration still holds as it ends (completes, fails, is terminated
 * or continues as new), so that its entities are not locked forever; they take the next free ids.
 */
export function releaseHeldLock(
  record: InstanceRecord,
  history: readonly HistoryEvent[],
  now: string,
): ScheduledEntityMessage[] {
  const sent = history.filter((event) => event.EventType === EventType.EventSent);
  const lockEvent = sent.findLast(
    (event) => event.Name === entityEventNames.operation && bodyOf(event)?.lockset,
  );
  const lock = lockEvent && (bodyOf(lockEvent) as EntityRequest);
  if (!lock) return [];
  const granted = history.some(
    (event) => event.EventType === EventType.EventRaised && event.Name === lock.id,
  );
  const released = sent.some(
    (event) => event.Name === entityEventNames.release && bodyOf(event)?.id === lock.id,
  );
  if (!granted || released) return [];
  let nextId = Math.max(-1, ...history.map((event) => event.EventId)) + 1;
  const scheduled: ScheduledEntityMessage[] = [];
  for (const entity of lock.lockset ?? []) {
    const work = {
      kind: 'entityRelease' as const,
      id: nextId++,
      target: entityInstanceId(entity),
      requestId: lock.id,
    };
    scheduled.push(
      scheduleEntityWork(work, record, [...history, ...scheduled.map((item) => item.event)], now),
    );
  }
  return scheduled;
}

/**
 * The entity messages to send again when an episode may have died between its commit and its sends:
 * those of the episodes that applied the redelivered messages (and of the last episode, when this host's
 * own sends were cut short). Only those: an entity remembers a sender for a limited window, so sending
 * older messages again could apply them twice.
 */
export function entityMessagesToResend(
  record: InstanceRecord,
  history: readonly HistoryEvent[],
  redelivered: readonly ControlMessage[],
  lastEpisode: boolean,
): ControlMessage[] {
  const starts = history.flatMap((event, index) =>
    event.EventType === EventType.OrchestratorStarted ? [index] : [],
  );
  const episodeOf = (index: number) => starts.findLast((start) => start <= index) ?? 0;
  const episodes = new Set<number>();
  const keys = new Set(redelivered.flatMap((message) => keysOf({ ...message.event, MessageId: message.id })));
  history.forEach((event, index) => {
    if (keysOf(event).some((key) => keys.has(key))) episodes.add(episodeOf(index));
  });
  if (lastEpisode && starts.length > 0) episodes.add(starts.at(-1)!);
  return history.flatMap((event, index) =>
    event.EventType === EventType.EventSent && episodes.has(episodeOf(index))
      ? [messageOf(record, event)!]
      : [],
  );
}

/** The message an EventSent event records (undefined for one that is not an entity's). */
function messageOf(record: InstanceRecord, event: HistoryEvent): ControlMessage | undefined {
  const body = bodyOf(event);
  const name =
    event.Name === entityEventNames.release ? entityEventNames.release : entityEventNames.operation;
  if (!body || !event.InstanceId) return undefined;
  return entityMessage(
    `${record.instanceId}|${record.executionId}|${event.EventId}|entity`,
    event.InstanceId,
    name,
    body,
  );
}

function bodyOf(event: HistoryEvent): (EntityRequest & EntityRelease) | undefined {
  try {
    return JSON.parse(event.Input ?? 'null') as (EntityRequest & EntityRelease) | undefined;
  } catch {
    return undefined;
  }
}

/** The previous message of this execution to the entity: the entity applies this one after it. */
function predecessorOf(
  history: readonly HistoryEvent[],
  target: string,
): { predecessor?: number; predecessorAt?: string } {
  const previous = history.findLast(
    (event) => event.EventType === EventType.EventSent && event.InstanceId === target,
  );
  return previous ? { predecessor: previous.EventId, predecessorAt: previous.Timestamp } : {};
}

/** How a redelivered message is recognised in history: by message id, or by the task or timer it completes. */
function keysOf(event: HistoryEvent): string[] {
  const keys = event.MessageId ? [`message:${event.MessageId}`] : [];
  if (event.TaskScheduledId !== undefined) keys.push(`task:${event.TaskScheduledId}`);
  if (event.EventType === EventType.TimerFired) keys.push(`timer:${event.TimerId}`);
  return keys;
}

/** A GUID-shaped id derived from a name, so a replayed or re-sent request keeps its id. */
function requestGuid(name: string): string {
  const hex = createHash('sha1').update(name).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
