import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { TestHost } from '../support/TestHost';
import { uniqueHubName } from '../support/durableTestClient';
import { uniqueName, hostSecrets } from '../support/testStorage';

// The same app as durableClient.test.ts, on a task hub of its own (host.json names it %DurableHubName%).
const appDir = 'test/fixtures/apps/durable-app';
const hubName = uniqueHubName('Api');
const webhooks = '/runtime/webhooks/durabletask';
const run = promisify(execFile);
let host: TestHost;
let keys: { master: string; system: string; hostDefault: string };

beforeAll(async () => {
  host = await TestHost.start(appDir, { settings: { DurableHubName: hubName } });
  const secrets = await hostSecrets(host.hostId);
  keys = {
    master: secrets.masterKey.value,
    hostDefault: secrets.functionKeys[0]!.value,
    system: secrets.systemKeys.find((key) => key.name === 'durabletask_extension')!.value,
  };
});

afterAll(async () => {
  await host?.stop();
});

/** Calls the Durable HTTP API with the system key. */
function api(pathAndQuery: string, init: RequestInit = {}, code = keys.system): Promise<Response> {
  const separator = pathAndQuery.includes('?') ? '&' : '?';
  return host.fetch(`${webhooks}/${pathAndQuery}${separator}code=${encodeURIComponent(code)}`, init);
}

function start(name: string, instanceId = '', input?: unknown): Promise<Response> {
  return api(`orchestrators/${name}${instanceId ? `/${instanceId}` : ''}`, {
    method: 'POST',
    body: input === undefined ? undefined : JSON.stringify(input),
    headers: { 'content-type': 'application/json' },
  });
}

interface Status {
  name: string;
  instanceId: string;
  runtimeStatus: string;
  input: unknown;
  output: unknown;
  customStatus: unknown;
  createdTime: string;
  lastUpdatedTime: string;
  historyEvents?: Record<string, unknown>[];
}

/** Polls GET instances/{id} until the status matches (the engine runs instances in the background). */
async function waitForStatus(
  instanceId: string,
  wanted: string,
  query = '',
  timeoutMs = 20_000,
): Promise<Status> {
  const deadline = Date.now() + timeoutMs;
  let last: Status | undefined;
  while (Date.now() < deadline) {
    const response = await api(`instances/${instanceId}${query}`);
    if (response.status !== 404) last = (await response.json()) as Status;
    if (last?.runtimeStatus === wanted) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(
    `Instance ${instanceId} did not reach ${wanted} in ${timeoutMs} ms; last status: ${JSON.stringify(last)}`,
  );
}

describe('Durable HTTP API', () => {
  it('needs the durabletask_extension system key or the master key', async () => {
    expect((await host.fetch(`${webhooks}/instances`)).status).toBe(401);
    expect((await api('instances', {}, 'not-a-key')).status).toBe(401);
    expect((await api('instances', {}, keys.hostDefault)).status).toBe(403);
    expect((await api('instances', {}, keys.master)).status).toBe(200);
    expect((await api('instances')).status).toBe(200);
  });

  it('starts an instance: 202 with the management links, Location and Retry-After', async () => {
    const response = await start('HelloSequence');
    expect(response.status).toBe(202);
    const body = (await response.json()) as Record<string, string>;
    const id = body.id!;
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    const instance = `${host.baseUrl}${webhooks}/instances/${id}`;
    const query = `taskHub=${hubName}&connection=Storage&code=${keys.system}`;
    expect(body).toEqual({
      id,
      statusQueryGetUri: `${instance}?${query}`,
      sendEventPostUri: `${instance}/raiseEvent/{eventName}?${query}`,
      terminatePostUri: `${instance}/terminate?reason={text}&${query}`,
      purgeHistoryDeleteUri: `${instance}?${query}`,
      rewindPostUri: `${instance}/rewind?reason={text}&${query}`,
      restartPostUri: `${instance}/restart?${query}`,
      suspendPostUri: `${instance}/suspend?reason={text}&${query}`,
      resumePostUri: `${instance}/resume?reason={text}&${query}`,
    });
    expect(response.headers.get('location')).toBe(body.statusQueryGetUri);
    expect(response.headers.get('retry-after')).toBe('10');

    const done = await waitForStatus(id, 'Completed');
    expect(done).toMatchObject({ name: 'HelloSequence', instanceId: id, input: null, customStatus: null });
    expect(done.output).toEqual(['Hello Tokyo!', 'Hello Seattle!', 'Hello London!']);
    expect(done.createdTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const final = await fetch(body.statusQueryGetUri!);
    expect(final.status).toBe(200);
    expect(final.headers.get('location')).toBeNull();
  });

  it('starts under a chosen id, refuses a duplicate while it runs (409) and rejects bad requests (400)', async () => {
    const id = uniqueName('chosen');
    const first = await start('WaitForEvent', id, { some: 'input' });
    expect(first.status).toBe(202);
    expect(((await first.json()) as { id: string }).id).toBe(id);
    await waitForStatus(id, 'Running');
    expect((await start('WaitForEvent', id)).status).toBe(409);
    expect((await start('NoSuchOrchestrator')).status).toBe(400);
    const badJson = await api('orchestrators/HelloSequence', { method: 'POST', body: '{not json' });
    expect(badJson.status).toBe(400);
    expect(((await badJson.json()) as { message: string }).message).toContain('Invalid JSON');
    expect((await api(`instances/${id}/terminate`, { method: 'POST' })).status).toBe(202);
  });

  it('answers GET instances/{id} with 404, then 202 (Location, Retry-After) while running, honouring showInput', async () => {
    expect((await api('instances/no-such-instance')).status).toBe(404);
    const id = uniqueName('running');
    await start('WaitForEvent', id, { order: 42 });
    await waitForStatus(id, 'Running');
    const response = await api(`instances/${id}`);
    expect(response.status).toBe(202);
    expect(response.headers.get('location')).toBe(
      `${host.baseUrl}${webhooks}/instances/${id}?code=${encodeURIComponent(keys.system)}`,
    );
    expect(response.headers.get('retry-after')).toBe('5');
    expect(await response.json()).toMatchObject({
      name: 'WaitForEvent',
      instanceId: id,
      input: { order: 42 },
      output: null,
    });
    const withoutInput = (await (await api(`instances/${id}?showInput=false`)).json()) as Status;
    expect(withoutInput.input).toBeNull();
    await api(`instances/${id}/terminate`, { method: 'POST' });
  });

  it('renders history as the extension does: tasks folded into their completions, results only with showHistoryOutput', async () => {
    const { id } = (await (await start('HelloSequence')).json()) as { id: string };
    await waitForStatus(id, 'Completed');
    const status = await waitForStatus(id, 'Completed', '?showHistory=true&showHistoryOutput=true');
    const events = status.historyEvents!;
    expect(events.map((event) => event.EventType)).toEqual([
      'ExecutionStarted',
      'TaskCompleted',
      'TaskCompleted',
      'TaskCompleted',
      'ExecutionCompleted',
    ]);
    expect(events[0]).toMatchObject({ FunctionName: 'HelloSequence' });
    expect(events[1]).toMatchObject({
      FunctionName: 'SayHello',
      Result: 'Hello Tokyo!',
      ScheduledTime: expect.any(String),
    });
    expect(events[4]).toMatchObject({
      OrchestrationStatus: 'Completed',
      Result: ['Hello Tokyo!', 'Hello Seattle!', 'Hello London!'],
    });
    for (const event of events) expect(event).not.toHaveProperty('EventId');
    const brief = await waitForStatus(id, 'Completed', '?showHistory=true');
    expect(brief.historyEvents!.some((event) => 'Result' in event)).toBe(false);
    expect((await waitForStatus(id, 'Completed')).historyEvents).toBeUndefined();
  });

  it('raises events: 202 delivers the JSON data, 400 without a JSON body type, 404 unknown, 410 once finished', async () => {
    const id = uniqueName('event');
    await start('WaitForEvent', id);
    const raise = (instanceId: string, contentType = 'application/json') =>
      api(`instances/${instanceId}/raiseEvent/Go`, {
        method: 'POST',
        body: JSON.stringify({ approvedBy: 'Ada' }),
        headers: { 'content-type': contentType },
      });
    expect((await raise(id, 'text/plain')).status).toBe(400);
    expect((await raise(id)).status).toBe(202);
    expect((await waitForStatus(id, 'Completed')).output).toEqual({ received: { approvedBy: 'Ada' } });
    expect((await raise(id)).status).toBe(410);
    expect((await raise('no-such-instance')).status).toBe(404);
  });

  it('suspends, resumes and terminates with a reason; 404 for unknown instances, 410 once finished', async () => {
    const id = uniqueName('control');
    await start('WaitForEvent', id);
    await waitForStatus(id, 'Running');
    expect((await api(`instances/${id}/suspend?reason=pause`, { method: 'POST' })).status).toBe(202);
    await waitForStatus(id, 'Suspended');
    expect((await api(`instances/${id}/resume?reason=go%20on`, { method: 'POST' })).status).toBe(202);
    await waitForStatus(id, 'Running');
    expect(
      (await api(`instances/${id}/terminate?reason=no%20longer%20needed`, { method: 'POST' })).status,
    ).toBe(202);
    expect((await waitForStatus(id, 'Terminated')).output).toBe('no longer needed');
    expect((await api(`instances/${id}/terminate`, { method: 'POST' })).status).toBe(410);
    for (const operation of ['terminate', 'suspend', 'resume']) {
      expect((await api(`instances/no-such-instance/${operation}`, { method: 'POST' })).status).toBe(404);
    }
  });

  it('restarts an instance with its original input, under a new id or the same one', async () => {
    const id = uniqueName('restart');
    await start('FanOutFanIn', id, 4);
    expect((await waitForStatus(id, 'Completed')).output).toBe(20);
    const restarted = await api(`instances/${id}/restart`, { method: 'POST' });
    expect(restarted.status).toBe(202);
    const newId = ((await restarted.json()) as { id: string }).id;
    expect(newId).not.toBe(id);
    expect(await waitForStatus(newId, 'Completed')).toMatchObject({ input: 4, output: 20 });
    const same = await api(`instances/${id}/restart?restartWithNewInstanceId=false`, { method: 'POST' });
    expect(((await same.json()) as { id: string }).id).toBe(id);
    await waitForStatus(id, 'Completed');
  });

  it('waits for completion when asked with timeout and pollingInterval', async () => {
    const done = await api('orchestrators/HelloSequence?timeout=20&pollingInterval=0.2', { method: 'POST' });
    expect(done.status).toBe(200);
    expect(await done.json()).toEqual(['Hello Tokyo!', 'Hello Seattle!', 'Hello London!']);
    const pending = await api('orchestrators/WaitForEvent?timeout=0.3&pollingInterval=0.1', {
      method: 'POST',
    });
    expect(pending.status).toBe(202);
    const { id } = (await pending.json()) as { id: string };
    await api(`instances/${id}/terminate`, { method: 'POST' });
  });

  it('answers 501 for rewind and another task hub, and 400 for a signal to an entity the app lacks', async () => {
    const { id } = (await (await start('HelloSequence')).json()) as { id: string };
    const rewind = await api(`instances/${id}/rewind?reason=again`, { method: 'POST' });
    expect(rewind.status).toBe(501);
    expect(await rewind.text()).toContain('Rewind is not supported');
    expect((await api('instances/no-such-instance/rewind', { method: 'POST' })).status).toBe(404);
    expect((await api('entities/Counter/one')).status).toBe(404);
    const signal = await api('entities/Counter/one?op=add', { method: 'POST' });
    expect(signal.status).toBe(400);
    expect(((await signal.json()) as { message: string }).message).toBe(
      "The function 'counter' doesn't exist, is disabled, or is not an entity function.",
    );
    expect((await api('instances?taskHub=OtherHub')).status).toBe(501);
  });

  it('lists instances with filters, pages them with x-ms-continuation-token, and rejects unknown statuses', async () => {
    const prefix = uniqueName('list');
    const running = [`${prefix}-r1`, `${prefix}-r2`];
    const completed = [`${prefix}-c1`, `${prefix}-c2`, `${prefix}-c3`];
    const before = new Date().toISOString();
    await Promise.all([
      ...running.map((id) => start('WaitForEvent', id)),
      ...completed.map((id) => start('HelloSequence', id)),
    ]);
    await Promise.all([
      ...running.map((id) => waitForStatus(id, 'Running')),
      ...completed.map((id) => waitForStatus(id, 'Completed')),
    ]);

    const ids: string[] = [];
    let token: string | null = null;
    let pages = 0;
    do {
      const response: Response = await api(`instances?instanceIdPrefix=${prefix}&top=2`, {
        headers: token ? { 'x-ms-continuation-token': token } : {},
      });
      expect(response.status).toBe(200);
      const page = (await response.json()) as Status[];
      expect(page.length).toBeLessThanOrEqual(2);
      ids.push(...page.map((status) => status.instanceId));
      token = response.headers.get('x-ms-continuation-token');
      pages++;
    } while (token);
    expect(ids.sort()).toEqual([...running, ...completed].sort());
    expect(pages).toBeGreaterThanOrEqual(3);

    const list = async (query: string) =>
      ((await (await api(`instances?instanceIdPrefix=${prefix}&${query}`)).json()) as Status[])
        .map((status) => status.instanceId)
        .sort();
    expect(await list('runtimeStatus=Running')).toEqual(running);
    expect(await list('runtimeStatus=Completed,Running')).toEqual([...running, ...completed].sort());
    expect(await list(`createdTimeFrom=${before}&runtimeStatus=Completed`)).toEqual(completed);
    expect(await list(`createdTimeFrom=${new Date(Date.now() + 60_000).toISOString()}`)).toEqual([]);
    expect((await api('instances?runtimeStatus=Sleeping')).status).toBe(400);
    await Promise.all(running.map((id) => api(`instances/${id}/terminate`, { method: 'POST' })));
  });

  it('purges one finished instance (200), refuses a running one (412), 404 for unknown', async () => {
    const { id } = (await (await start('HelloSequence')).json()) as { id: string };
    await waitForStatus(id, 'Completed');
    const runningId = uniqueName('purge-running');
    await start('WaitForEvent', runningId);
    expect((await api(`instances/${runningId}`, { method: 'DELETE' })).status).toBe(412);
    const purged = await api(`instances/${id}`, { method: 'DELETE' });
    expect(purged.status).toBe(200);
    expect(await purged.json()).toEqual({ instancesDeleted: 1 });
    expect((await api(`instances/${id}`)).status).toBe(404);
    expect((await api(`instances/${id}`, { method: 'DELETE' })).status).toBe(404);
    await api(`instances/${runningId}/terminate`, { method: 'POST' });
  });

  it('purges by filter: 400 without createdTimeFrom, 200 with the count, 404 when nothing matched', async () => {
    const from = new Date().toISOString();
    const started = await Promise.all([start('HelloSequence'), start('HelloSequence')]);
    const ids = await Promise.all(
      started.map(async (response) => ((await response.json()) as { id: string }).id),
    );
    await Promise.all(ids.map((id) => waitForStatus(id, 'Completed')));
    expect((await api('instances', { method: 'DELETE' })).status).toBe(400);
    expect(
      (await api(`instances?createdTimeFrom=${from}&runtimeStatus=Running`, { method: 'DELETE' })).status,
    ).toBe(404);
    const purged = await api(`instances?createdTimeFrom=${from}&runtimeStatus=Completed`, {
      method: 'DELETE',
    });
    expect(purged.status).toBe(200);
    expect(((await purged.json()) as { instancesDeleted: number }).instancesDeleted).toBeGreaterThanOrEqual(
      2,
    );
    for (const id of ids) expect((await api(`instances/${id}`)).status).toBe(404);
    expect(
      (await api(`instances?createdTimeFrom=${from}&runtimeStatus=Completed`, { method: 'DELETE' })).status,
    ).toBe(404);
  });
});

describe('Durable HTTP API error bodies', () => {
  // Folders of this machine a stack trace would name: the checkout and where the packages are installed.
  const installed = require.resolve('@azure/functions');
  const serverFolders = [
    process.cwd(),
    installed.slice(0, installed.indexOf(`${path.sep}node_modules${path.sep}`)),
  ];

  function expectNoServerDetails(body: string): void {
    expect(body).not.toMatch(/^\s+at /m);
    expect(body).not.toMatch(/\\n\s+at /);
    for (const folder of serverFolders) expect(body).not.toContain(folder);
    expect(body).not.toContain('node_modules');
  }

  it('shows a failed instance without stack traces or server folders, and logs them instead', async () => {
    // The activity throws with the body in its message; its stack names the app's files.
    const started = await api('orchestrators/FailingOrchestrator?timeout=20&pollingInterval=0.1', {
      method: 'POST',
      body: JSON.stringify('a body that makes it throw'),
      headers: { 'content-type': 'application/json' },
    });
    expect(started.status).toBe(200);
    const text = await started.text();
    expectNoServerDetails(text);
    const failed = JSON.parse(text) as Status;
    expect(failed.runtimeStatus).toBe('Failed');
    expect(failed.output).toMatch(
      /^Orchestrator function 'FailingOrchestrator' failed: Activity function 'AlwaysFails' failed: Boom: a body that makes it throw/,
    );

    const history = await api(`instances/${failed.instanceId}?showHistory=true&showHistoryOutput=true`);
    const historyText = await history.text();
    expectNoServerDetails(historyText);
    expect(JSON.parse(historyText)).toMatchObject({
      historyEvents: expect.arrayContaining([
        expect.objectContaining({
          EventType: 'TaskFailed',
          Details: 'Error: Boom: a body that makes it throw',
        }),
      ]) as unknown,
    });
    // The host's console keeps the stack, with the app's file.
    expect(host.output()).toMatch(
      /Boom: a body that makes it throw\n\s+at handler \(.*activities\.js:\d+:\d+\)/,
    );
  });

  it('answers malformed bodies, unknown instances and unknown operations with a short message', async () => {
    const responses = await Promise.all([
      api('orchestrators/HelloSequence', {
        method: 'POST',
        body: '{"unterminated',
        headers: { 'content-type': 'application/json' },
      }),
      api('instances/no-such-instance/terminate', { method: 'POST' }),
      api('instances/no-such-instance/frobnicate', { method: 'POST' }),
      // The app's own HTTP starter parses the body itself and throws: a 500 with no body, as on Azure.
      host.fetch('/api/orchestrators/HelloSequence', { method: 'POST', body: '{"unterminated' }),
    ]);
    expect(responses.map((response) => response.status)).toEqual([400, 404, 404, 500]);
    const bodies = await Promise.all(responses.map((response) => response.text()));
    for (const body of bodies) expectNoServerDetails(body);
    expect(JSON.parse(bodies[0]!)).toEqual({
      message: expect.stringMatching(
        /^Invalid JSON content in the orchestration input \(request body\): /,
      ) as unknown,
    });
    expect(JSON.parse(bodies[1]!)).toEqual({ message: "No instance with ID 'no-such-instance' was found." });
    expect(bodies.slice(2)).toEqual(['', '']);
  });
});

describe('durable-scoring instances (CLI)', () => {
  const cli = path.resolve(__dirname, '..', '..', 'bin', 'durable-scoring.js');
  const instances = (...args: string[]) =>
    run(process.execPath, [cli, 'instances', ...args], {
      env: {
        ...process.env,
        AzureWebJobsStorage: process.env.TEST_STORAGE_CONNECTION,
        DurableHubName: hubName,
      },
    });

  it('lists, shows, terminates and purges instances of the app folder', async () => {
    const id = uniqueName('cli');
    const doneId = `${id}-done`;
    await start('WaitForEvent', id);
    await start('HelloSequence', doneId);
    await waitForStatus(id, 'Running');
    await waitForStatus(doneId, 'Completed');

    const table = await instances('list', appDir, '--prefix', id);
    expect(table.stdout).toMatch(new RegExp(`${id}\\s+WaitForEvent\\s+Running`));
    expect(table.stdout).toMatch(new RegExp(`${doneId}\\s+HelloSequence\\s+Completed`));
    expect(table.stdout).toContain(`2 instance(s) in task hub ${hubName} with id starting with "${id}".`);
    const json = JSON.parse(
      (await instances('list', appDir, '--prefix', id, '--status', 'Completed', '--json')).stdout,
    ) as Status[];
    expect(json.map((status) => status.instanceId)).toEqual([doneId]);

    const top = JSON.parse(
      (await instances('list', appDir, '--prefix', id, '--top', '1', '--json')).stdout,
    ) as Status[];
    expect(top).toHaveLength(1);

    const shown = await instances('show', doneId, appDir, '--history');
    expect(shown.stdout).toMatch(/Status:\s+Completed/);
    expect(shown.stdout).toContain('["Hello Tokyo!","Hello Seattle!","Hello London!"]');
    expect(shown.stdout).toMatch(/TaskCompleted\s+SayHello\s+Hello Seattle!/);

    const terminated = await instances('terminate', id, appDir, '--reason', 'from the CLI');
    expect(terminated.stdout).toContain(`Termination of ${id} requested (reason: from the CLI)`);
    expect((await waitForStatus(id, 'Terminated')).output).toBe('from the CLI');

    expect((await instances('purge', doneId, appDir)).stdout).toContain(`Purged ${doneId}`);
    expect((await api(`instances/${doneId}`)).status).toBe(404);
    await expect(instances('show', doneId, appDir)).rejects.toMatchObject({
      stderr: expect.stringContaining(`No instance with ID '${doneId}' in task hub ${hubName}.`),
    });
    await expect(instances('terminate', id, appDir)).rejects.toMatchObject({
      stderr: expect.stringContaining('is Terminated'),
    });
  });
});
