import { adoptUnrecordedStart } from '../../../src/host/durable/engine/adoptUnrecordedStart';
import { EventType, newEvent } from '../../../src/host/durable/history/HistoryEvent';
import type { InstanceRecord } from '../../../src/host/durable/taskHub/InstanceStore';
import type { RuntimeStatus } from '../../../src/host/durable/taskHub/RuntimeStatus';

const rowTime = '2024-01-01T00:00:05.000Z';
const before = '2024-01-01T00:00:00.000Z';
const after = '2024-01-01T00:00:09.000Z';

const row = (runtimeStatus: RuntimeStatus, historyLength: number): InstanceRecord => ({
  instanceId: 'i',
  name: 'chain',
  executionId: 'old',
  runtimeStatus,
  createdTime: rowTime,
  lastUpdatedTime: rowTime,
  historyLength,
  etag: 'W/"row"',
});

const start = (executionId: string, timestamp: string) => ({
  message: {
    kind: 'control' as const,
    id: `start-${executionId}`,
    instanceId: 'i',
    executionId,
    event: newEvent(EventType.ExecutionStarted, timestamp, {
      Name: 'chain',
      Input: '"x"',
      ExecutionId: executionId,
    }),
  },
});

describe('adoptUnrecordedStart: a start message the instance row does not show', () => {
  it.each([
    ['there is no row', undefined, after, true],
    ['the row is a finished earlier execution', row('Completed', 9), after, true],
    ['the row is Pending and never ran', row('Pending', 0), after, true],
    ['the row is a running execution', row('Running', 4), after, false],
    ['the row is newer than the start (a leftover start)', row('Completed', 9), before, false],
  ])('when %s: adopted is %s', (_label, record, timestamp, adopted) => {
    const loaded = { record, history: [] };
    expect(adoptUnrecordedStart(loaded, [start('new', timestamp)]) !== loaded).toBe(adopted);
  });

  it('makes the row the client would have written, checked against the row it replaces', () => {
    const adopted = adoptUnrecordedStart({ record: row('Completed', 9), history: [] }, [start('new', after)]);
    expect(adopted).toEqual({
      record: {
        instanceId: 'i',
        name: 'chain',
        executionId: 'new',
        runtimeStatus: 'Pending',
        input: '"x"',
        createdTime: after,
        lastUpdatedTime: after,
        parentInstanceId: undefined,
        historyLength: 0,
        etag: 'W/"row"',
      },
      history: [],
    });
  });

  it('leaves a start of the execution the row shows to the usual rules', () => {
    const loaded = { record: row('Pending', 0), history: [] };
    expect(adoptUnrecordedStart(loaded, [start('old', after)])).toBe(loaded);
  });
});
