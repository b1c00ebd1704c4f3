import { TestHost } from '../support/TestHost';
import { hostSecrets } from '../support/testStorage';

const appDir = 'test/fixtures/apps/ops-app';
let host: TestHost;
let masterKey: string;

beforeAll(async () => {
  host = await TestHost.start(appDir);
  masterKey = (await hostSecrets(host.hostId)).masterKey.value;
});

afterAll(async () => {
  await host?.stop();
});

const runManually = (name: string, body: unknown, key = masterKey) =>
  host.fetch(`/admin/functions/${name}`, {
    method: 'POST',
    headers: { 'x-functions-key': key, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('admin API: run a non-HTTP function', () => {
  it('runs a queue-triggered function with the given input (202), with the master key only', async () => {
    expect((await runManually('manualQueue', { input: 'hello' }, 'wrong')).status).toBe(401);
    expect((await runManually('manualQueue', { input: '{"id":7}' })).status).toBe(202);
    await host.waitForLog(/manualQueue got \{"id":7\}/);
  });

  it('answers 404 for a function the app does not have', async () => {
    expect((await runManually('nothing', {})).status).toBe(404);
  });
});

describe('function retry policies (timer triggers)', () => {
  it('retries with a fixed delay, passing retryContext, until an attempt succeeds', async () => {
    expect((await runManually('flakyTimer', {})).status).toBe(202);
    await host.waitForLog(/Executed 'Functions\.flakyTimer' \(Succeeded/);
    const attempts = host.output().match(/flakyTimer attempt retryCount=\d+ max=\d+/g);
    expect(attempts).toEqual([
      'flakyTimer attempt retryCount=0 max=2',
      'flakyTimer attempt retryCount=1 max=2',
      'flakyTimer attempt retryCount=2 max=2',
    ]);
  });

  it('gives up after maxRetryCount retries', async () => {
    expect((await runManually('hopelessTimer', {})).status).toBe(202);
    await host.waitForLog(/hopelessTimer retryCount=1/);
    await host.waitForLog(
      /Executed 'Functions\.hopelessTimer' \(Failed[\s\S]*Executed 'Functions\.hopelessTimer' \(Failed/,
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(host.count(/hopelessTimer retryCount=/)).toBe(2);
  });
});
