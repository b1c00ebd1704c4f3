import { TestHost } from '../support/TestHost';
import { hostSecrets } from '../support/testStorage';

const appDir = 'test/fixtures/apps/unsupported-bindings-app';
let host: TestHost;
let masterKey: string;

beforeAll(async () => {
  host = await TestHost.start(appDir, { settings: { AzureWebJobs_quiet_Disabled: 'true' } });
  masterKey = (await hostSecrets(host.hostId)).masterKey.value;
});

afterAll(async () => {
  await host?.stop();
});

const admin = (path: string, init: RequestInit = {}) =>
  host.fetch(path, {
    ...init,
    headers: { 'x-functions-key': masterKey, 'content-type': 'application/json' },
  });

const reasons = {
  sendText:
    "the host has no 'twilioSms' output binding; run this function on Azure or with Core Tools and the Twilio extension",
  readProfile:
    "the host has no 'cosmosDB' input binding; run this function on Azure or with Core Tools and the Azure Cosmos DB extension",
  onOrder:
    "the host has no 'serviceBusTrigger' trigger; run this function on Azure or with Core Tools and the Service Bus extension",
};

describe('an app with functions whose bindings the host does not provide', () => {
  it('starts, and lists each such function as disabled with the reason', () => {
    for (const [name, reason] of Object.entries(reasons)) {
      expect(host.output()).toContain(`Function '${name}' is disabled: ${reason}.`);
      expect(host.output()).toContain(`  ${name}: disabled (${reason})`);
    }
    expect(host.output()).toContain('  quiet: disabled (AzureWebJobs_quiet_Disabled)');
  });

  it('serves the other functions', async () => {
    const response = await host.fetch('/api/hello');
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('hello');
    expect(
      (await admin('/admin/functions/greetQueue', { method: 'POST', body: '{"input":"hi"}' })).status,
    ).toBe(202);
    await host.waitForLog(/greetQueue got "hi"/);
  });

  it('answers a manual run of a disabled function with 404 and the reason', async () => {
    for (const [name, reason] of Object.entries(reasons)) {
      const response = await admin(`/admin/functions/${name}`, { method: 'POST', body: '{"input":"x"}' });
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ error: `Function '${name}' is disabled: ${reason}.` });
    }
  });

  it('gives the reason as the function status errors, as the Functions host does', async () => {
    const status = await admin('/admin/functions/onOrder/status');
    expect(await status.json()).toEqual({ errors: [reasons.onOrder] });
    expect(await (await admin('/admin/functions/hello/status')).json()).toEqual({ errors: null });
    const listed = (await (await admin('/admin/functions')).json()) as {
      name: string;
      isDisabled?: boolean;
    }[];
    expect(listed.filter((fn) => fn.isDisabled).map((fn) => fn.name)).toEqual([
      'sendText',
      'readProfile',
      'onOrder',
    ]);
  });

  it('does not route requests to a disabled HTTP function', async () => {
    expect((await host.fetch('/api/sendText', { method: 'POST' })).status).toBe(404);
  });
});
