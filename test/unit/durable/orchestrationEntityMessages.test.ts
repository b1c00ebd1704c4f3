import {
  entityMessagesToResend,
  releaseHeldLock,
  scheduleEntityWork,
} from '../../../src/host/durable/entities/orchestrationEntityMessages';
import { EventType, newEvent, type HistoryEvent } from '../../../src/host/durable/history/HistoryEvent';
import type { InstanceRecord } from '../../../src/host/durable/taskHub/InstanceStore';

const record: InstanceRecord = {
  instanceId: 'o',
  name: 'orchestrator',
  executionId: 'e',
  runtimeStatus: 'Running',
  createdTime: '2026-01-01T00:00:00.000Z',
  lastUpdatedTime: '2026-01-01T00:00:00.000Z',
  historyLength: 0,
};
const time = (second: number) => `2026-01-01T00:00:0${second}.000Z`;
const signal = (history: HistoryEvent[], id: number, key: string, second: number) =>
  scheduleEntityWork(
    { kind: 'entitySignal', id, target: `@counter@${key}`, operation: 'add', input: '1' },
    record,
    history,
    time(second),
  );

/** Episodes: [started, signal 0 to a], [activity result (message m1), signal 2 to a, signal 3 to b]. */
function twoEpisodes(): HistoryEvent[] {
  const history: HistoryEvent[] = [
    newEvent(EventType.OrchestratorStarted, time(0)),
    newEvent(EventType.ExecutionStarted, time(0)),
  ];
  history.push(signal(history, 0, 'a', 0).event);
  history.push(newEvent(EventType.TaskScheduled, time(0), { EventId: 1, Name: 'tick' }));
  history.push(
    newEvent(EventType.OrchestratorCompleted, time(0)),
    newEvent(EventType.OrchestratorStarted, time(1)),
  );
  history.push(
    newEvent(EventType.TaskCompleted, time(1), { TaskScheduledId: 1, Result: '1', MessageId: 'm1' }),
  );
  history.push(signal(history, 2, 'a', 1).event, signal(history, 3, 'b', 1).event);
  history.push(newEvent(EventType.OrchestratorCompleted, time(1)));
  return history;
}

describe("an orchestration's entity messages", () => {
  it('name the previous message of the execution to the same entity, so the entity keeps their order', () => {
    const history = twoEpisodes();
    const sent = history
      .filter((event) => event.EventType === EventType.EventSent)
      .map((event) => JSON.parse(event.Input!) as Record<string, unknown>);
    expect(sent.map(({ seq, predecessor, predecessorAt }) => ({ seq, predecessor, predecessorAt }))).toEqual([
      { seq: 0, predecessor: undefined, predecessorAt: undefined },
      { seq: 2, predecessor: 0, predecessorAt: time(0) },
      { seq: 3, predecessor: undefined, predecessorAt: undefined },
    ]);
  });

  it('are sent again only for the episodes that applied a redelivered message', () => {
    const history = twoEpisodes();
    const redelivered = {
      kind: 'control' as const,
      id: 'm1',
      instanceId: 'o',
      event: newEvent(EventType.TaskCompleted, time(2), { TaskScheduledId: 1 }),
    };
    const resent = entityMessagesToResend(record, history, [redelivered], false);
    expect(resent.map((message) => message.instanceId)).toEqual(['@counter@a', '@counter@b']);
    expect(resent.map((message) => (JSON.parse(message.event.Input!) as { seq: number }).seq)).toEqual([
      2, 3,
    ]);
    expect(entityMessagesToResend(record, history, [], false)).toEqual([]);
    // Sends of this host cut short: the last episode's.
    expect(entityMessagesToResend(record, history, [], true)).toHaveLength(2);
  });

  it('release a lock still held when the orchestration ends, with the next free ids', () => {
    const history = twoEpisodes();
    const lockSet = [
      { name: 'counter', key: 'a' },
      { name: 'counter', key: 'b' },
    ];
    history.push(
      scheduleEntityWork({ kind: 'entityLock', id: 4, requestId: 'L', lockSet }, record, history, time(2))
        .event,
    );
    expect(releaseHeldLock(record, history, time(3))).toEqual([]);
    history.push(newEvent(EventType.EventRaised, time(3), { Name: 'L', Input: '{}' }));
    const releases = releaseHeldLock(record, history, time(3));
    expect(releases.map(({ event }) => [event.EventId, event.InstanceId, event.Name])).toEqual([
      [5, '@counter@a', 'release'],
      [6, '@counter@b', 'release'],
    ]);
    history.push(...releases.map((release) => release.event));
    expect(releaseHeldLock(record, history, time(4))).toEqual([]);
  });
});
