// What scripts/runDurableSamples.mjs does with each of Microsoft's Durable Functions samples: which
// functions a scenario needs, how it drives them through the app's own HTTP starter and the Durable
// HTTP API, and what it checks. A scenario returns { result, detail }: `pass`, `fail`, or `blocked`
// (the sample ran as far as the host allows and stopped where expected, at a binding or API the host
// does not provide; `detail` names it).
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const json = (value) => JSON.stringify(value);
const verdict = (ok, detail) => ({ result: ok ? 'pass' : 'fail', detail });

/** Like expectOutput, where the JavaScript and TypeScript samples return different outputs. */
function expectOutputOneOf(orchestrator, input, outputs) {
  return async (driver, { timeoutS }) => {
    const status = await driver.waitForEnd(await driver.start(orchestrator, input), timeoutS);
    const ok =
      status.runtimeStatus === 'Completed' && outputs.some((output) => json(output) === json(status.output));
    return verdict(ok, `${status.runtimeStatus}, output ${json(status.output)}`);
  };
}

/** Runs one orchestration to its end and compares its output with what the sample returns on Azure. */
function expectOutput(orchestrator, input, expected, check = () => '') {
  return async (driver, { timeoutS }) => {
    const status = await driver.waitForEnd(await driver.start(orchestrator, input), timeoutS);
    const problem = check(status);
    const ok = status.runtimeStatus === 'Completed' && json(status.output) === json(expected) && !problem;
    return verdict(
      ok,
      `${status.runtimeStatus}, output ${json(status.output)}${problem ? `; ${problem}` : ''}`,
    );
  };
}

const countEvents = (status, type) => (status.historyEvents ?? []).filter((e) => e.EventType === type).length;

/** A retried call that always fails: the orchestrator catches the last failure and completes. */
function expectRetriesCaught(orchestrator, failureEvent, attempts) {
  return async (driver, { timeoutS }) => {
    const started = await driver.start(orchestrator);
    const status = await driver.waitForEnd(started, timeoutS, { history: true });
    const failures = countEvents(status, failureEvent);
    const ok = status.runtimeStatus === 'Completed' && failures === attempts;
    return verdict(ok, `${status.runtimeStatus} after ${failures} × ${failureEvent} (expected ${attempts})`);
  };
}

async function counterEntity(driver, { timeoutS }) {
  const entity = driver.webhook('entities/counterEntity/myCounter');
  const read = async () => (await driver.request('GET', entity)).body;
  const before = (await driver.request('GET', entity)).status;
  for (let run = 0; run < 3; run++) {
    const status = await driver.waitForEnd(await driver.start('counterOrchestration'), timeoutS);
    if (status.runtimeStatus !== 'Completed') return verdict(false, `run ${run + 1}: ${json(status)}`);
  }
  const afterRuns = await driver.until(read, 3, 10);
  const signalled = (
    await driver.request('POST', driver.webhook('entities/counterEntity/myCounter?op=add'), 5)
  ).status;
  const afterAdd = await driver.until(read, 8, 10);
  const listed = (await driver.request('GET', driver.webhook('entities/counterEntity'))).body;
  await driver.request('POST', driver.webhook('entities/counterEntity/myCounter?op=reset'));
  const afterReset = await driver.until(read, 0, 10);
  const missing = (await driver.request('GET', driver.webhook('entities/counterEntity/nobody'))).status;
  const keys = Array.isArray(listed) ? listed.map((entry) => entry.entityId?.key) : listed;
  const ok =
    before === 404 &&
    afterRuns === 3 &&
    signalled === 202 &&
    afterAdd === 8 &&
    json(keys) === json(['myCounter']) &&
    afterReset === 0 &&
    missing === 404;
  return verdict(
    ok,
    `GET before: ${before}; 3 orchestrations → ${afterRuns}; POST op=add 5 (${signalled}) → ${afterAdd}; ` +
      `list ${json(keys)}; op=reset → ${afterReset}; missing key → ${missing}`,
  );
}

async function waitForCompletion(driver, { timeoutS }) {
  const { status, body } = await driver.request(
    'POST',
    `/api/orchestrators/wait/helloSequence?timeout=${timeoutS}`,
    null,
  );
  const expected = ['Hello Tokyo', 'Hello Seattle', 'Hello Cairo'];
  return verdict(status === 200 && json(body) === json(expected), `HTTP ${status}, body ${json(body)}`);
}

/** Backs up a scratch folder and checks the bytes the sample wrote to the `backups` container. */
function backupSiteContent(readBlob) {
  return async (driver, { timeoutS }) => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'durable-samples-site-'));
    const files = { 'index.html': '<h1>hello</h1>\n', 'css/site.css': 'body { margin: 0 }\n', 'a.txt': 'x' };
    for (const [name, content] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(folder, name)), { recursive: true });
      writeFileSync(path.join(folder, name), content);
    }
    const status = await driver.waitForEnd(await driver.start('backupSiteContent', folder), timeoutS);
    const bytes = Object.values(files).reduce((sum, content) => sum + Buffer.byteLength(content), 0);
    const copied = await Promise.all(Object.keys(files).map((name) => readBlob('backups', name)));
    const same = Object.values(files).every((content, i) => copied[i] === content);
    const ok = status.runtimeStatus === 'Completed' && status.output === bytes && same;
    return verdict(
      ok,
      `${status.runtimeStatus}, output ${json(status.output)} bytes (expected ${bytes}); blobs ${same ? 'match' : 'differ'}`,
    );
  };
}

/** A sample that must stop at a function the host disables: blocked if it stops there, else fail. */
function expectBlockedAt(orchestrator, input, expectedText, reason) {
  return async (driver, { timeoutS }) => {
    const status = await driver.waitForEnd(await driver.start(orchestrator, input), timeoutS);
    const text = String(status.output ?? '');
    if (status.runtimeStatus === 'Failed' && text.includes(expectedText))
      return { result: 'blocked', detail: reason };
    return verdict(false, `${status.runtimeStatus}: ${text.slice(0, 300)}`);
  };
}

/** The monitor against a stand-in weather service: rain twice, then clear; the alert needs Twilio. */
function weatherMonitor(weather) {
  return async (driver, { timeoutS }) => {
    const input = { location: { city: 'Redmond', state: 'WA', country: 'US' }, phone: '+15555550100' };
    const started = await driver.start('weatherMonitor', input);
    const status = await driver.waitForEnd(started, timeoutS, { history: true });
    const timers = countEvents(status, 'TimerFired');
    const checks = countEvents(status, 'TaskCompleted');
    const text = String(status.output ?? '');
    const monitored = checks === 3 && timers === 2 && weather.calls('Redmond') === 3;
    const detail = `${checks} weather checks, ${timers} monitor timers fired; then ${status.runtimeStatus}`;
    if (monitored && text.includes("'sendGoodWeatherAlert' doesn't exist, is disabled"))
      return { result: 'blocked', detail: `${detail} at sendGoodWeatherAlert (twilioSms output binding)` };
    return verdict(false, `${detail}: ${text.slice(0, 300)}`);
  };
}

/** The SDK's own test app: readEntityState through its counter1 HTTP function. */
async function testAppCounter(driver) {
  const key = `k${Date.now().toString(36)}`;
  const posts = [];
  for (let i = 0; i < 3; i++) posts.push((await driver.request('POST', `/api/counter1/${key}`)).status);
  const read = async () => (await driver.request('GET', `/api/counter1/${key}`)).body;
  const value = await driver.until(read, 3, 15);
  return verdict(
    value === 3,
    `3 POSTs (signalEntity: ${posts.join(',')}), GET (readEntityState) → ${json(value)}`,
  );
}

/** Every scenario: `functions` the app must have for it to run; `timeoutS` covers the sample's own waits. */
export function durableSampleScenarios({ readBlob, weather }) {
  const hello = ['Hello Tokyo', 'Hello Seattle', 'Hello Cairo'];
  const twilio = 'uses a twilioSms output binding, which the host does not provide';
  return [
    {
      name: 'helloSequence',
      sample: 'sayHello',
      pattern: 'function chaining',
      functions: ['httpStart', 'helloSequence'],
      timeoutS: 60,
      run: expectOutput('helloSequence', null, hello),
    },
    {
      name: 'sayHelloWithActivity',
      sample: 'sayHello',
      pattern: 'one activity',
      functions: ['httpStart', 'sayHelloWithActivity'],
      timeoutS: 60,
      run: expectOutput('sayHelloWithActivity', 'Ann', 'Hello Ann'),
    },
    {
      name: 'sayHelloWithCustomStatus',
      sample: 'sayHello',
      pattern: 'custom status',
      functions: ['httpStart', 'sayHelloWithCustomStatus'],
      timeoutS: 60,
      run: expectOutput('sayHelloWithCustomStatus', 'Ann', 'Hello Ann', (s) =>
        s.customStatus === 'Hello Ann' ? '' : `customStatus ${json(s.customStatus)}`,
      ),
    },
    {
      name: 'sayHelloWithSubOrchestrator',
      sample: 'sayHello',
      pattern: 'sub-orchestration',
      functions: ['httpStart', 'sayHelloWithSubOrchestrator'],
      timeoutS: 60,
      // samples-ts passes the child `{ input }`, so its activity greets an object: the sample's own output.
      run: expectOutputOneOf('sayHelloWithSubOrchestrator', 'Ann', ['Hello Ann', 'Hello [object Object]']),
    },
    {
      name: 'httpSyncStart',
      sample: 'httpSyncStart',
      pattern: 'wait for completion',
      functions: ['httpSyncStart', 'helloSequence'],
      timeoutS: 30,
      run: waitForCompletion,
    },
    {
      name: 'callActivityWithRetry',
      sample: 'callActivityWithRetry',
      pattern: 'activity retry',
      functions: ['httpStart', 'callActivityWithRetry'],
      timeoutS: 60,
      run: expectRetriesCaught('callActivityWithRetry', 'TaskFailed', 2),
    },
    {
      name: 'callSubOrchestratorWithRetry',
      sample: 'callSubOrchestratorWithRetry',
      pattern: 'sub-orchestration retry, fixed id',
      functions: ['httpStart', 'callSubOrchestratorWithRetry'],
      timeoutS: 90,
      run: expectRetriesCaught('callSubOrchestratorWithRetry', 'SubOrchestrationInstanceFailed', 2),
    },
    {
      name: 'cancelTimer',
      sample: 'cancelTimer',
      pattern: 'timer cancelled',
      functions: ['httpStart', 'cancelTimer'],
      timeoutS: 60,
      run: expectOutput('cancelTimer', null, 'Hello from the other side'),
    },
    {
      name: 'continueAsNewCounter',
      sample: 'continueAsNewCounter',
      pattern: 'eternal orchestration, 10 × 30 s timers',
      functions: ['httpStart', 'continueAsNewCounter'],
      timeoutS: 420,
      run: expectOutput('continueAsNewCounter', null, 10),
    },
    {
      name: 'counterEntity',
      sample: 'counter',
      pattern: 'entity counter (callEntity, entity HTTP routes)',
      functions: ['httpStart', 'counterOrchestration', 'counterEntity'],
      timeoutS: 60,
      run: counterEntity,
    },
    {
      name: 'backupSiteContent',
      sample: 'backupSiteContent',
      pattern: 'fan-out/fan-in, blob output',
      functions: ['httpStart', 'backupSiteContent'],
      timeoutS: 60,
      run: backupSiteContent(readBlob),
    },
    {
      name: 'smsPhoneVerification',
      sample: 'smsPhoneVerification',
      pattern: 'human interaction (events + timeout)',
      functions: ['httpStart', 'smsPhoneVerification'],
      timeoutS: 60,
      run: expectBlockedAt(
        'smsPhoneVerification',
        '+15555550100',
        "'sendSmsChallenge' doesn't exist, is disabled",
        `sendSmsChallenge ${twilio}; the orchestration fails at its first activity, before it waits for events`,
      ),
    },
    {
      name: 'weatherMonitor',
      sample: 'weatherMonitor',
      pattern: 'monitor (timer loop)',
      functions: ['httpStart', 'weatherMonitor'],
      timeoutS: 150,
      run: weatherMonitor(weather),
    },
    {
      name: 'listAzureSubscriptions',
      sample: 'listAzureSubscriptions',
      pattern: 'Durable HTTP (callHttp)',
      functions: ['httpStart', 'listAzureSubscriptions'],
      timeoutS: 60,
      run: expectBlockedAt(
        'listAzureSubscriptions',
        null,
        'callHttp) are not supported',
        'callHttp is not supported by the embedded host (and needs a managed identity)',
      ),
    },
    {
      name: 'helloOrchestrator',
      sample: 'test-app hello',
      pattern: 'function chaining',
      functions: ['helloHttpStart', 'helloOrchestrator'],
      timeoutS: 60,
      run: expectOutput('helloOrchestrator', null, ['Hello, Tokyo', 'Hello, Seattle', 'Hello, Cairo']),
    },
    {
      name: 'counter1',
      sample: 'test-app counter1',
      pattern: 'entity: signalEntity, readEntityState',
      functions: ['counter1HttpStart', 'counter1'],
      timeoutS: 60,
      run: testAppCounter,
    },
  ];
}
