import type { EntityRequest } from '../../../src/host/durable/entities/EntityMessages';
import { planEntityBatch } from '../../../src/host/durable/entities/planEntityBatch';
import { runEntityBatch } from '../../../src/host/durable/entities/runEntityBatch';
import type { EntityMessage } from '../../../src/host/durable/entities/selectEntityMessages';
import { sdkEntityInvoker } from './entityHarness';

const timestamp = '2026-01-01T00:00:00.000Z';
const request = (id: string, parent: string, fields: Partial<EntityRequest> = {}): EntityMessage => ({
  kind: 'request',
  request: { id, op: 'add', input: '1', parent, parentExecution: 'e', timestamp, ...fields },
});
const lock = (id: string, parent: string) =>
  request(id, parent, { op: undefined, lockset: [{ name: 'counter', key: 'k' }], pos: 0 });
const release = (id: string, parent: string): EntityMessage => ({
  kind: 'release',
  release: { id, parent, timestamp },
});
const opIds = (requests: EntityRequest[]) => requests.map((item) => item.id);

describe('ordering an entity batch around its lock', () => {
  it("runs only the holder's operations while locked; the others wait in arrival order", () => {
    const plan = planEntityBatch({ exists: true }, [
      request('a1', 'A'),
      lock('L', 'B'),
      request('a2', 'A'),
      request('b1', 'B'),
      request('c1', 'C'),
    ]);
    expect(opIds(plan.operations)).toEqual(['a1', 'b1']);
    expect(opIds(plan.locked)).toEqual(['L']);
    expect(plan.lockedBy).toEqual({ instanceId: 'B', executionId: 'e', requestId: 'L' });
    expect(opIds(plan.queue)).toEqual(['a2', 'c1']);
  });

  it("lets the queue through on the holder's release, up to the next lock request", () => {
    const state = {
      exists: true,
      lockedBy: { instanceId: 'B', requestId: 'L' },
      queue: [request('a2', 'A'), lock('M', 'C'), request('a3', 'A'), request('c2', 'C')].map(
        (message) => (message as { request: EntityRequest }).request,
      ),
    };
    const plan = planEntityBatch(state, [release('other lock', 'B'), release('L', 'B')]);
    expect(opIds(plan.operations)).toEqual(['a2', 'c2']);
    expect(plan.lockedBy?.requestId).toBe('M');
    expect(opIds(plan.queue)).toEqual(['a3']);
  });
});

const counter = (context: {
  df: {
    getState(init: () => number): number;
    setState(value: number): void;
    getInput(): number;
    return(value: unknown): void;
    signalEntity(id: unknown, op: string, input: unknown): void;
    operationName: string;
  };
}) => {
  const value = context.df.getState(() => 0);
  if (context.df.operationName === 'add') context.df.setState(value + context.df.getInput());
  if (context.df.operationName === 'get') context.df.return(value);
  if (context.df.operationName === 'tell')
    for (const key of ['x', 'y', 'x']) context.df.signalEntity({ name: 'Counter', key }, 'add', value);
};
const batchInput = {
  instanceId: '@counter@k',
  entity: { name: 'counter', key: 'k' },
  now: timestamp,
  windowMs: 30 * 60_000,
};

describe('running an entity batch through the SDK', () => {
  it('answers calls with their results and numbers the signals the entity sends', async () => {
    const outcome = await runEntityBatch({
      ...batchInput,
      state: { exists: true, state: '5', sent: 10, sentTo: { '@counter@x': { seq: 10, at: timestamp } } },
      messages: [
        request('add', 'O'),
        request('get', 'O', { op: 'get' }),
        request('tell', 'O', { op: 'tell', signal: true }),
      ],
      invoke: sdkEntityInvoker(counter),
    });
    expect(outcome.state).toMatchObject({ exists: true, state: '6', sent: 13 });
    const outbox = outcome.state.outbox!.map((message) => ({
      to: message.instanceId,
      body: JSON.parse(message.event.Input!) as unknown,
    }));
    expect(outbox).toEqual([
      { to: 'O', body: {} },
      { to: 'O', body: { result: '6' } },
      {
        to: '@counter@x',
        body: expect.objectContaining({
          seq: 11,
          predecessor: 10,
          op: 'add',
          input: '6',
          parent: '@counter@k',
        }),
      },
      { to: '@counter@y', body: expect.not.objectContaining({ predecessor: expect.anything() }) },
      { to: '@counter@x', body: expect.objectContaining({ seq: 13, predecessor: 11 }) },
    ]);
  });

  it('fails every call of the batch, state unchanged, when the app has no such entity function', async () => {
    const outcome = await runEntityBatch({
      ...batchInput,
      state: { exists: true, state: '5' },
      messages: [request('add', 'O')],
      invoke: undefined,
    });
    expect(outcome.state.state).toBe('5');
    expect(JSON.parse(outcome.state.outbox![0]!.event.Input!)).toEqual({
      result: JSON.stringify(
        "The function 'counter' doesn't exist, is disabled, or is not an entity function.",
      ),
      exceptionType: 'Error',
    });
  });
});
