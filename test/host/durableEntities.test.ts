import { TaskHub } from '../../src/host/durable/taskHub/TaskHub';
import { waitUntilControlQueuesEmpty } from '../support/entityCrash';
import { TestHost } from '../support/TestHost';
import { durableTestClient, uniqueHubName, waitForInstance } from '../support/durableTestClient';
import { hostSecrets, testStorage } from '../support/testStorage';

const appDir = 'test/fixtures/apps/durable-entity-app';
const hubName = uniqueHubName('Entities');
const client = durableTestClient(hubName);
let host: TestHost;
let systemKey: string;

beforeAll(async () => {
  host = await TestHost.start(appDir, { settings: { TEST_HUB_NAME: hubName } });
  const secrets = await hostSecrets(host.hostId);
  systemKey = secrets.systemKeys.find((key) => key.name === 'durabletask_extension')!.value;
});

/** Calls the Durable HTTP API with its system key. */
function api(pathAndQuery: string, init: RequestInit = {}): Promise<Response> {
  const separator = pathAndQuery.includes('?') ? '&' : '?';
  return host.fetch(
    `/runtime/webhooks/durabletask/${pathAndQuery}${separator}code=${encodeURIComponent(systemKey)}`,
    init,
  );
}

afterAll(async () => {
  await host?.stop();
});

async function run(name: string, input?: unknown) {
  const instanceId = await client.startNew(name, {
    input: input === undefined ? undefined : JSON.stringify(input),
  });
  return waitForInstance(client, instanceId, 30_000);
}

/** The entity's state through df.getClient(context).readEntityState. */
async function readThroughClient(name: string, key: string) {
  const response = await host.fetch(`/api/read/${name}/${key}`);
  expect(response.status).toBe(200);
  return (await response.json()) as { entityExists: boolean; entityState?: unknown };
}

async function waitForState(key: string, expected: number, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const read = await readThroughClient('counter', key);
    if (read.entityExists && read.entityState === expected) return read;
    if (Date.now() > deadline)
      throw new Error(
        `counter ${key} is ${JSON.stringify(read)} after ${timeoutMs} ms, expected ${expected}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('durable entities', () => {
  it('applies signals from a client and reads the state back through df.getClient', async () => {
    for (let i = 0; i < 5; i++) {
      const response = await host.fetch('/api/signal/counter/client/add', { method: 'POST', body: '2' });
      expect(response.status).toBe(202);
    }
    await waitForState('client', 10);
  });

  it('serves the Durable HTTP API entity routes: signal, read, list, delete', async () => {
    const json = { 'content-type': 'application/json' };
    expect(
      (await api('entities/counter/api?op=add', { method: 'POST', body: '5', headers: json })).status,
    ).toBe(202);
    await waitForState('api', 5);
    const read = await api('entities/counter/api');
    expect(read.status).toBe(200);
    expect(await read.json()).toBe(5);
    const list = (await (await api('entities/counter?fetchState=true')).json()) as {
      entityId: unknown;
      state: unknown;
    }[];
    expect(list).toContainEqual(
      expect.objectContaining({ entityId: { name: 'counter', key: 'api' }, state: 5 }),
    );
    const badJson = await api('entities/counter/api?op=add', { method: 'POST', body: '{', headers: json });
    expect(badJson.status).toBe(400);
    expect(((await badJson.json()) as { message: string }).message).toMatch(
      /^Could not parse JSON content: /,
    );
    expect((await api('entities/counter/api', { method: 'DELETE' })).status).toBe(202);
    for (let tries = 0; (await api('entities/counter/api')).status !== 404; tries++) {
      if (tries > 100) throw new Error('counter api was not deleted');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await readThroughClient('counter', 'api')).toEqual({ entityExists: false });
  });

  it('delivers the signals an entity sends from inside an operation', async () => {
    await host.fetch('/api/signal/counter/source/add', { method: 'POST', body: '7' });
    await host.fetch('/api/signal/counter/source/forward', { method: 'POST', body: '"target"' });
    await waitForState('target', 7);
  });

  it('reads a missing entity as not found', async () => {
    expect(await readThroughClient('counter', 'never-signalled')).toEqual({ entityExists: false });
  });

  it('returns call results to the orchestration', async () => {
    const status = await run('callCounter', 'called');
    expect(status.runtimeStatus).toBe('Completed');
    expect(JSON.parse(status.output!)).toEqual({ afterAdd: 5, read: 5 });
  });

  it('surfaces an operation that throws as an error the orchestration catches, with its message', async () => {
    const status = await run('catchEntityError', 'failing');
    expect(JSON.parse(status.output!)).toBe('caught: counter failing refuses: on purpose');
  });

  it('answers a call to an entity the app does not have with an error', async () => {
    const status = await run('callMissingEntity');
    expect(JSON.parse(status.output!)).toBe(
      "caught: The function 'nosuchentity' doesn't exist, is disabled, or is not an entity function.",
    );
  });

  it('runs a critical section on two locked counters', async () => {
    await host.fetch('/api/signal/counter/alice/add', { method: 'POST', body: '100' });
    await waitForState('alice', 100);
    const status = await run('transfer', { from: 'alice', to: 'bob', amount: 30 });
    expect(status.runtimeStatus).toBe('Completed');
    expect(JSON.parse(status.output!)).toEqual({ left: 70, right: 30, locked: true });
    // Released: another orchestration's call goes through.
    expect(JSON.parse((await run('callCounter', 'alice')).output!)).toEqual({ afterAdd: 75, read: 75 });
  });

  it('counts 1,000 signals from 10 concurrent orchestrations exactly', async () => {
    const ids = await Promise.all(
      Array.from({ length: 10 }, () =>
        client.startNew('signalCounter', { input: JSON.stringify({ key: 'shared', count: 100, step: 10 }) }),
      ),
    );
    // Generous: the suite shares one Azurite with the suites CI runs beside it.
    for (const id of ids) expect((await waitForInstance(client, id, 90_000)).runtimeStatus).toBe('Completed');
    await waitForState('shared', 1000);
    // Every message consumed, and still 1,000: a signal applied twice would show now.
    await waitUntilControlQueuesEmpty(new TaskHub(testStorage(), hubName, 4), 60_000);
    expect((await readThroughClient('counter', 'shared')).entityState).toBe(1000);
  }, 210_000);
});
