import { childExecutionId, decideChildStart } from '../../../src/host/durable/engine/decideChildStart';
import type { InstanceRecord } from '../../../src/host/durable/taskHub/InstanceStore';
import type { RuntimeStatus } from '../../../src/host/durable/taskHub/RuntimeStatus';

const parent = { InstanceId: 'parent', ExecutionId: 'p1', TaskScheduleId: 4, Name: 'outer' };
const child = { name: 'inner', instanceId: 'fixed-id', parent };
const ownExecution = childExecutionId(parent);

const row = (runtimeStatus: RuntimeStatus, executionId: string, historyLength = 6): InstanceRecord => ({
  instanceId: 'fixed-id',
  name: 'inner',
  executionId,
  runtimeStatus,
  createdTime: '2026-01-01T00:00:00.000Z',
  lastUpdatedTime: '2026-01-01T00:00:00.000Z',
  historyLength,
  etag: 'W/"row"',
});

describe('decideChildStart: a sub-orchestration start under an instance ID', () => {
  it.each([
    ['no instance has the ID', 'start', undefined],
    ['a finished (Completed) instance has it', 'start', row('Completed', 'other')],
    ['a finished (Failed) instance has it: the next retry attempt', 'start', row('Failed', 'other')],
    ['a finished (Terminated) instance has it', 'start', row('Terminated', 'other')],
    ['this task started it and it has not run (a re-send)', 'resend', row('Pending', ownExecution, 0)],
    ['this task started it and it runs', 'started', row('Running', ownExecution)],
    ['this task started it and it failed', 'started', row('Failed', ownExecution)],
    [
      'this task started it and it continued as new',
      'started',
      row('Running', `${ownExecution}~1767225600000`),
    ],
    ['another start has it Pending', 'refuse', row('Pending', 'other', 0)],
    ['another start has it Running', 'refuse', row('Running', 'other')],
    ['another start has it Suspended', 'refuse', row('Suspended', 'other')],
  ])('when %s: %s', (_label, kind, existing) => {
    expect(decideChildStart(child, existing).kind).toBe(kind);
  });

  it('derives the execution ID from the parent task, so only that task re-sends the same start', () => {
    expect(decideChildStart(child, undefined)).toEqual({ kind: 'start', executionId: ownExecution });
    expect(childExecutionId({ ...parent, TaskScheduleId: 5 })).not.toBe(ownExecution);
    expect(childExecutionId({ ...parent, ExecutionId: 'p2' })).not.toBe(ownExecution);
  });

  it('names the ID and the status of the instance it conflicts with', () => {
    expect(decideChildStart(child, row('Running', 'other'))).toEqual({
      kind: 'refuse',
      reason:
        "Cannot start sub-orchestration 'inner' with instance ID 'fixed-id': an instance with that ID already " +
        'exists and is Running. Give each sub-orchestration that runs at the same time its own instance ID, ' +
        'or start it once that instance has finished.',
    });
  });

  it('refuses an ID that storage cannot hold, saying why', () => {
    expect(decideChildStart({ ...child, instanceId: 'a/b' }, undefined)).toEqual({
      kind: 'refuse',
      reason:
        "Cannot start sub-orchestration 'inner': Instance ID 'a/b' is invalid: 1-256 characters, none of / \\ # ? or control characters.",
    });
  });
});
