import { EventType, type HistoryEvent } from '../history/HistoryEvent';
import type { InstanceRecord } from '../taskHub/InstanceStore';
import { isTerminal } from '../taskHub/RuntimeStatus';
import type { ControlMessage } from '../taskHub/TaskMessage';

export interface EventSelection<M> {
  /** Messages whose events this episode appends, in order. */
  readonly apply: M[];
  /** Messages already applied (redelivered) or addressed to another execution: delete them. */
  readonly drop: M[];
  /** Messages not applicable yet (a timer not due, an event before the start): hide them until `until`. */
  readonly hold: { message: M; until: number }[];
}

/**
 * Decides what an episode does with each received message, so that a redelivered message is applied
 * once: completions are matched by the task or timer id they complete, other events by message id.
 */
export function selectEvents<M extends { readonly message: ControlMessage }>(
  record: InstanceRecord | undefined,
  history: readonly HistoryEvent[],
  received: readonly M[],
  now: number,
): EventSelection<M> {
  const seen = new Set<string>(history.flatMap(keysOf));
  const selection: EventSelection<M> = { apply: [], drop: [], hold: [] };
  let started = history.length > 0;
  const ordered = [...received].sort((a, b) => rank(a.message) - rank(b.message));
  for (const item of ordered) {
    const { event, executionId, notBefore } = item.message;
    if (!record || (executionId !== undefined && executionId !== record.executionId)) {
      selection.drop.push(item);
    } else if (event.EventType === EventType.ExecutionStarted) {
      if (started || isTerminal(record.runtimeStatus)) selection.drop.push(item);
      else {
        selection.apply.push(item);
        started = true;
      }
    } else if (
      isTerminal(record.runtimeStatus) ||
      keysOf({ ...event, MessageId: item.message.id }).some((key) => seen.has(key))
    ) {
      selection.drop.push(item);
    } else if (!started && event.EventType !== EventType.ExecutionTerminated) {
      // Anything but a terminate waits for the start (a terminate ends even an instance that never ran).
      selection.hold.push({ message: item, until: now + 1000 });
    } else if (notBefore && Date.parse(notBefore) > now) {
      selection.hold.push({ message: item, until: Date.parse(notBefore) });
    } else {
      selection.apply.push(item);
      for (const key of keysOf({ ...event, MessageId: item.message.id })) seen.add(key);
    }
  }
  return selection;
}

function keysOf(event: HistoryEvent): string[] {
  const keys: string[] = [];
  if (event.MessageId) keys.push(`message:${event.MessageId}`);
  switch (event.EventType) {
    case EventType.TaskCompleted:
    case EventType.TaskFailed:
    case EventType.SubOrchestrationInstanceCompleted:
    case EventType.SubOrchestrationInstanceFailed:
      keys.push(`task:${event.TaskScheduledId}`);
      break;
    case EventType.TimerFired:
      keys.push(`timer:${event.TimerId}`);
      break;
  }
  return keys;
}

function rank(message: ControlMessage): number {
  return message.event.EventType === EventType.ExecutionStarted ? 0 : 1;
}
