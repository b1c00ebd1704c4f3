import { entityMessage, type EntityRequest } from '../../../src/host/durable/entities/EntityMessages';
import {
  selectEntityMessages,
  type DeliveryMemory,
} from '../../../src/host/durable/entities/selectEntityMessages';
import { EventType, newEvent } from '../../../src/host/durable/history/HistoryEvent';

const now = Date.parse('2026-01-01T01:00:00Z');
const windowMs = 30 * 60_000;
const options = { windowMs, hostStartedAt: now - 60_000, deleted: new Set<string>() };
const empty: DeliveryMemory = { streams: {}, clients: [] };
const at = (msAgo: number) => new Date(now - msAgo).toISOString();

/** A message of orchestration "o" (execution "e") to the entity, numbered `seq`, after `predecessor`. */
const fromOrchestration = (seq: number, predecessor?: number, predecessorAgoMs = 1000) => {
  const request: EntityRequest = {
    id: `r${seq}`,
    op: 'add',
    parent: 'o',
    parentExecution: 'e',
    timestamp: at(500),
    seq,
    ...(predecessor === undefined ? {} : { predecessor, predecessorAt: at(predecessorAgoMs) }),
  };
  return { message: entityMessage(`m${seq}`, '@counter@k', 'op', request) };
};
const fromClient = (id: string) => ({
  message: entityMessage(id, '@counter@k', 'op', { id, op: 'add', signal: true, timestamp: at(100) }),
});
const ids = (entries: { item: { message: { id: string } } }[]) =>
  entries.map((entry) => entry.item.message.id);
const messageIds = (items: { message: { id: string } }[]) => items.map((item) => item.message.id);

describe('selecting the messages an entity batch applies', () => {
  it("applies a sender's messages in its order, whatever order they arrive in", () => {
    const selection = selectEntityMessages(
      empty,
      [fromOrchestration(7, 3), fromClient('c1'), fromOrchestration(3), fromOrchestration(9, 7)],
      now,
      options,
    );
    expect(ids(selection.apply)).toEqual(['m3', 'c1', 'm7', 'm9']);
    expect(selection.memory.streams).toEqual({ 'o|e': { last: 9, at: now } });
  });

  it('drops messages at or below the last applied number, and client signals it remembers', () => {
    const memory: DeliveryMemory = {
      streams: { 'o|e': { last: 5, at: now - 1000 } },
      clients: [{ at: now - 1000, ids: ['c1'] }],
    };
    const selection = selectEntityMessages(
      memory,
      [fromOrchestration(5, 2), fromOrchestration(6, 5), fromClient('c1'), fromClient('c2')],
      now,
      options,
    );
    expect(ids(selection.apply)).toEqual(['m6', 'c2']);
    expect(messageIds(selection.drop)).toEqual(['m5', 'c1']);
  });

  it('holds a message whose recent predecessor has not been applied, and later ones of that sender', () => {
    const memory: DeliveryMemory = { streams: { 'o|e': { last: 1, at: now - 1000 } }, clients: [] };
    const selection = selectEntityMessages(
      memory,
      [fromOrchestration(4, 2), fromOrchestration(6, 4)],
      now,
      options,
    );
    expect(selection.apply).toEqual([]);
    expect(selection.hold.map((held) => held.message.message.id)).toEqual(['m4', 'm6']);
    expect(selection.hold[0]!.until).toBe(now + 1000);
  });

  it('stops waiting for a predecessor sent longer ago than the window (its sender may be forgotten)', () => {
    const selection = selectEntityMessages(empty, [fromOrchestration(4, 2, windowMs + 1)], now, options);
    expect(ids(selection.apply)).toEqual(['m4']);
  });

  it('forgets senders a window after their last message, counted from no earlier than the host start', () => {
    const memory: DeliveryMemory = {
      streams: { old: { last: 1, at: now - 3 * windowMs }, recent: { last: 1, at: now - 1000 } },
      clients: [{ at: now - 3 * windowMs, ids: ['gone'] }],
    };
    const forgotten = selectEntityMessages(memory, [], now, {
      ...options,
      hostStartedAt: now - 10 * windowMs,
    }).memory;
    expect(forgotten).toEqual({ streams: { recent: { last: 1, at: now - 1000 } }, clients: [] });
    // A host that started a moment ago keeps what an earlier one wrote: its messages may still come back.
    const justStarted = selectEntityMessages(memory, [], now, {
      ...options,
      hostStartedAt: now - 1000,
    }).memory;
    expect(justStarted).toEqual(memory);
  });

  it('forgets client signals whose queue messages this host deleted', () => {
    const memory: DeliveryMemory = { streams: {}, clients: [{ at: now - 1000, ids: ['c1', 'c2'] }] };
    const selection = selectEntityMessages(memory, [fromClient('c3')], now, {
      ...options,
      deleted: new Set(['c1']),
    });
    expect(selection.memory.clients).toEqual([
      { at: now - 1000, ids: ['c2'] },
      { at: now, ids: ['c3'] },
    ]);
  });

  it('drops messages that are not entity requests', () => {
    const terminate = {
      message: {
        kind: 'control' as const,
        id: 't',
        instanceId: '@counter@k',
        event: newEvent(EventType.ExecutionTerminated, at(0)),
      },
    };
    expect(messageIds(selectEntityMessages(empty, [terminate], now, options).drop)).toEqual(['t']);
  });
});
