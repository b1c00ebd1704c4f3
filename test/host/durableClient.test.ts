import { TestHost } from '../support/TestHost';
import { uniqueHubName } from '../support/durableTestClient';
import { uniqueName, hostSecrets } from '../support/testStorage';

// The fixture's HTTP functions call durable-functions' own DurableClient (df.getClient), which talks to
// the host's Durable HTTP API with the URLs of the durableClient binding: the real client end to end.
const appDir = 'test/fixtures/apps/durable-app';
const hubName = uniqueHubName('Client');
let host: TestHost;
let systemKey: string;

beforeAll(async () => {
  host = await TestHost.start(appDir, { settings: { DurableHubName: hubName } });
  const secrets = await hostSecrets(host.hostId);
  systemKey = secrets.systemKeys.find((key) => key.name === 'durabletask_extension')!.value;
});

afterAll(async () => {
  await host?.stop();
});

interface Status {
  name: string;
  instanceId: string;
  runtimeStatus: string;
  input: unknown;
  output: unknown;
  customStatus: unknown;
  createdTime: string;
}

/** Runs one DurableClient method in the app (functions/http.js) and returns its result. */
async function client<T = unknown>(operation: string, args: Record<string, unknown> = {}): Promise<T> {
  const response = await host.fetch(`/api/client/${operation}`, {
    method: 'POST',
    body: JSON.stringify(args),
  });
  const body = (await response.json()) as { result?: T; error?: string };
  if (response.status !== 200)
    throw new Error(body.error ?? `client/${operation} answered ${response.status}`);
  return body.result as T;
}

/** Starts an orchestration through the app's HTTP starter (startNew + createCheckStatusResponse). */
async function start(name: string, input?: unknown, instanceId = ''): Promise<string> {
  const response = await host.fetch(`/api/orchestrators/${name}${instanceId ? `/${instanceId}` : ''}`, {
    method: 'POST',
    body: input === undefined ? undefined : JSON.stringify(input),
  });
  expect(response.status).toBe(202);
  return ((await response.json()) as { id: string }).id;
}

/** Polls client.getStatus until the instance reaches the runtime status. */
async function waitFor(instanceId: string, runtimeStatus: string, timeoutMs = 30_000): Promise<Status> {
  const deadline = Date.now() + timeoutMs;
  let last: Status | undefined;
  while (Date.now() < deadline) {
    last = await client<Status>('getStatus', { instanceId });
    if (last.runtimeStatus === runtimeStatus) return last;
    if (['Completed', 'Failed', 'Terminated'].includes(last.runtimeStatus)) break;
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  throw new Error(
    `Instance ${instanceId} did not reach ${runtimeStatus}; last status: ${JSON.stringify(last)}`,
  );
}

describe('durableClient binding and df.getClient', () => {
  it('gives df.getClient the task hub and webhook URLs on the host real address with the system key', async () => {
    const data = await client<Record<string, unknown>>('clientData');
    const base = `${host.baseUrl}/runtime/webhooks/durabletask`;
    expect(data).toEqual({
      taskHubName: hubName,
      creationUrls: {
        createNewInstancePostUri: `${base}/orchestrators/{functionName}[/{instanceId}]?code=${systemKey}`,
        createAndWaitOnNewInstancePostUri: `${base}/orchestrators/{functionName}[/{instanceId}]?timeout={timeoutInSeconds}&pollingInterval={intervalInSeconds}&code=${systemKey}`,
      },
      managementUrls: expect.objectContaining({
        id: 'INSTANCEID',
        statusQueryGetUri: `${base}/instances/INSTANCEID?taskHub=${hubName}&connection=Storage&code=${systemKey}`,
      }),
      baseUrl: base,
      requiredQueryStringParameters: `code=${systemKey}`,
    });
  });

  it('createCheckStatusResponse answers 202 with links to this host that track the instance to completion', async () => {
    const response = await host.fetch('/api/orchestrators/HelloSequence', { method: 'POST' });
    expect(response.status).toBe(202);
    const links = (await response.json()) as Record<string, string>;
    expect(response.headers.get('location')).toBe(links.statusQueryGetUri);
    expect(response.headers.get('retry-after')).toBe('10');
    expect(links.statusQueryGetUri).toBe(
      `${host.baseUrl}/runtime/webhooks/durabletask/instances/${links.id}?taskHub=${hubName}&connection=Storage&code=${systemKey}`,
    );
    await waitFor(links.id!, 'Completed');
    const status = await fetch(links.statusQueryGetUri!);
    expect(status.status).toBe(200);
    expect(((await status.json()) as Status).output).toEqual([
      'Hello Tokyo!',
      'Hello Seattle!',
      'Hello London!',
    ]);
    expect(await client('createHttpManagementPayload', { instanceId: links.id })).toEqual(links);
  });

  it('waitForCompletionOrCreateCheckStatusResponse returns the output in time, else the 202 links', async () => {
    const done = await host.fetch('/api/start-and-wait/FanOutFanIn?timeoutMs=20000', {
      method: 'POST',
      body: '10',
    });
    expect(done.status).toBe(200);
    expect(await done.json()).toBe(110);
    const waiting = await host.fetch('/api/start-and-wait/WaitForEvent?timeoutMs=600', { method: 'POST' });
    expect(waiting.status).toBe(202);
    const { id } = (await waiting.json()) as { id: string };
    await client('terminate', { instanceId: id, reason: 'test over' });
  });

  it('startNew with an id, getStatus and raiseEvent complete an orchestration', async () => {
    const instanceId = uniqueName('raise');
    expect(await start('WaitForEvent', { note: 'input' }, instanceId)).toBe(instanceId);
    const running = await waitFor(instanceId, 'Running');
    expect(running).toMatchObject({
      name: 'WaitForEvent',
      instanceId,
      input: { note: 'input' },
      output: null,
    });
    await client('raiseEvent', { instanceId, eventName: 'Go', eventData: { value: 7 } });
    expect((await waitFor(instanceId, 'Completed')).output).toEqual({ received: { value: 7 } });
    await expect(
      client('raiseEvent', { instanceId: 'no-such-instance', eventName: 'Go', eventData: 1 }),
    ).rejects.toThrow("No instance with ID 'no-such-instance' found.");
    await expect(client('getStatus', { instanceId: 'no-such-instance' })).rejects.toThrow('HTTP 404');
  });

  it('getStatusBy filters by runtime status and creation time; getStatusAll lists every instance', async () => {
    const from = new Date().toISOString();
    const waiting = await start('WaitForEvent');
    const finished = await start('HelloSequence');
    await waitFor(waiting, 'Running');
    await waitFor(finished, 'Completed');
    const ids = async (filter: Record<string, unknown>) =>
      (await client<Status[]>('getStatusBy', { filter })).map((status) => status.instanceId).sort();
    expect(await ids({ createdTimeFrom: from, runtimeStatus: ['Running'] })).toEqual([waiting]);
    expect(await ids({ createdTimeFrom: from, runtimeStatus: ['Completed', 'Running'] })).toEqual(
      [waiting, finished].sort(),
    );
    const all = (await client<Status[]>('getStatusAll')).map((status) => status.instanceId);
    expect(all).toEqual(expect.arrayContaining([waiting, finished]));
    await client('terminate', { instanceId: waiting, reason: 'done' });
  });

  it('suspend, resume and terminate a running instance; purgeInstanceHistory deletes it', async () => {
    const instanceId = await start('WaitForEvent');
    await waitFor(instanceId, 'Running');
    await client('suspend', { instanceId, reason: 'hold' });
    await waitFor(instanceId, 'Suspended');
    await client('resume', { instanceId, reason: 'go' });
    await waitFor(instanceId, 'Running');
    await client('terminate', { instanceId, reason: 'operator said stop' });
    expect((await waitFor(instanceId, 'Terminated')).output).toBe('operator said stop');
    expect(await client('purgeInstanceHistory', { instanceId })).toEqual({ instancesDeleted: 1 });
    expect(await client('purgeInstanceHistory', { instanceId })).toEqual({ instancesDeleted: 0 });
  });

  it('purgeInstanceHistoryBy purges finished instances created in a time range', async () => {
    const from = new Date().toISOString();
    const instanceId = await start('HelloSequence');
    await waitFor(instanceId, 'Completed');
    const result = await client<{ instancesDeleted: number }>('purgeInstanceHistoryBy', {
      filter: { createdTimeFrom: from, runtimeStatus: ['Completed'] },
    });
    expect(result.instancesDeleted).toBeGreaterThanOrEqual(1);
    await expect(client('getStatus', { instanceId })).rejects.toThrow('HTTP 404');
  });

  it('rejects rewind with the reason, and reads an entity the app lacks as missing', async () => {
    const instanceId = await start('FailingOrchestrator', 'rewind me');
    await waitFor(instanceId, 'Failed');
    await expect(client('rewind', { instanceId, reason: 'again' })).rejects.toThrow(
      'Rewind is not supported',
    );
    expect(await client('readEntityState', { name: 'counter', key: 'one' })).toEqual({ entityExists: false });
  });
});

describe('orchestration patterns through the HTTP starter', () => {
  it('chains activities', async () => {
    const status = await waitFor(await start('HelloSequence'), 'Completed');
    expect(status.output).toEqual(['Hello Tokyo!', 'Hello Seattle!', 'Hello London!']);
  });

  it('fans out and in', async () => {
    expect((await waitFor(await start('FanOutFanIn', 20), 'Completed')).output).toBe(420);
  });

  it('retries a failing activity until it succeeds', async () => {
    const status = await waitFor(await start('RetryOrchestrator'), 'Completed');
    expect(status.output).toBe('succeeded on attempt 3');
  });

  it('waits on a durable timer', async () => {
    const started = Date.now();
    const status = await waitFor(await start('TimerOrchestrator', 1), 'Completed');
    expect(status.output).toBe('timer of 1 s fired');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });

  it('waits for a human: approval by event, or a timeout', async () => {
    const approved = await start('ApprovalWorkflow', { timeoutSeconds: 60 });
    expect((await waitFor(approved, 'Running')).customStatus).toBe('Waiting for approval');
    await client('raiseEvent', { instanceId: approved, eventName: 'Approval', eventData: 'Ada' });
    const done = await waitFor(approved, 'Completed');
    expect(done).toMatchObject({ output: { approved: true, by: 'Ada' }, customStatus: 'Approved' });
    const timedOut = await waitFor(await start('ApprovalWorkflow', { timeoutSeconds: 1 }), 'Completed');
    expect(timedOut).toMatchObject({ output: { approved: false }, customStatus: 'Timed out' });
  });

  it('continues as new until done', async () => {
    const status = await waitFor(await start('Counter', 0), 'Completed');
    expect(status).toMatchObject({ output: 'counted to 3', input: 3 });
  });

  it('runs sub-orchestrations', async () => {
    const parent = await start('ParentOrchestrator');
    const status = await waitFor(parent, 'Completed');
    expect(status.output).toEqual({
      greetings: ['Hello Tokyo!', 'Hello Seattle!', 'Hello London!'],
      sum: 12,
    });
    expect(await client<Status>('getStatus', { instanceId: `${parent}:fan` })).toMatchObject({
      name: 'FanOutFanIn',
      runtimeStatus: 'Completed',
      output: 12,
    });
  });

  it('publishes custom status', async () => {
    const status = await waitFor(await start('CustomStatus'), 'Completed');
    expect(status).toMatchObject({ output: 'Hello Status!', customStatus: { stage: 'done', progress: 100 } });
  });

  it('fails the orchestration when an activity throws, unless the orchestrator catches it', async () => {
    const failed = await waitFor(await start('FailingOrchestrator', 'bad input'), 'Failed');
    expect(JSON.stringify(failed.output)).toContain('Boom: bad input');
    const caught = await waitFor(await start('CatchingOrchestrator'), 'Completed');
    expect(caught.output).toEqual(expect.stringMatching(/^caught: .*Boom: caught/));
  });
});
