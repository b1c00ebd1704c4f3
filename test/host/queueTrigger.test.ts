import type { QueueClient } from '@azure/storage-queue';
import { QueueMessageLease } from '../../src/host/triggers/queue/QueueMessageLease';
import { TestHost } from '../support/TestHost';
import { testStorage, uniqueName } from '../support/testStorage';

const appDir = 'test/fixtures/apps/queue-app';
const plainAppDir = 'test/fixtures/apps/queue-app/encoding-none';

/** Fresh queue names for every queue setting, so each host works on its own queues. */
function queueSettings() {
  return {
    ECHO_QUEUE: uniqueName('echo-'),
    BATCH_QUEUE: uniqueName('batch-'),
    FAIL_QUEUE: uniqueName('fail-'),
    FLAKY_QUEUE: uniqueName('flaky-'),
    HANG_QUEUE: uniqueName('hang-'),
    SLOW_QUEUE: uniqueName('slow-'),
  };
}

function queue(name: string): QueueClient {
  return testStorage().queues.getQueueClient(name);
}

function base64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

async function waitUntil<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Every message on a queue, including invisible ones (Azurite counts them all). */
async function messageCount(client: QueueClient): Promise<number> {
  if (!(await client.exists())) return 0;
  return (await client.getProperties()).approximateMessagesCount ?? 0;
}

async function waitForEmpty(client: QueueClient): Promise<void> {
  await waitUntil(
    async () => ((await messageCount(client)) === 0 ? true : undefined),
    `${client.name} empty`,
  );
}

/** The first visible message of a queue, once there is one. */
async function waitForMessage(client: QueueClient): Promise<string> {
  return waitUntil(async () => {
    if (!(await client.exists())) return undefined;
    return (await client.peekMessages()).peekedMessageItems[0]?.messageText;
  }, `a message on ${client.name}`);
}

/** The JSON objects the fixture printed after `<tag> ` on its log lines. */
function logged(host: TestHost, tag: string): Record<string, unknown>[] {
  return host
    .output()
    .split('\n')
    .filter((line) => line.includes(`] ${tag} {`))
    .map(
      (line) => JSON.parse(line.slice(line.indexOf(`${tag} {`) + tag.length + 1)) as Record<string, unknown>,
    );
}

describe('queue trigger', () => {
  const settings = queueSettings();
  let host: TestHost;

  beforeAll(async () => {
    host = await TestHost.start(appDir, { settings });
  });

  afterAll(async () => {
    await host?.stop();
  });

  it('listens on the queue named by an app setting, creating it', async () => {
    expect(host.output()).toContain(`echo: queue: ${settings.ECHO_QUEUE} (connection AzureWebJobsStorage)`);
    expect(await queue(settings.ECHO_QUEUE).exists()).toBe(true);
  });

  it('decodes a base64 message, runs the function once with its metadata, then deletes it', async () => {
    const echo = queue(settings.ECHO_QUEUE);
    const sent = await echo.sendMessage(base64('hello queue'));
    await host.waitForLog(/ECHO .*"hello queue"/);
    await waitForEmpty(echo);
    const seen = logged(host, 'ECHO').filter((entry) => entry.id === sent.messageId);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ message: 'hello queue', type: 'string', dequeueCount: 1 });
    expect(seen[0]!.queueTrigger).toBe('hello queue');
    expect(typeof seen[0]!.popReceipt).toBe('string');
    for (const time of seen[0]!.times as string[]) expect(Number.isNaN(Date.parse(time))).toBe(false);
    expect(host.output()).toMatch(/Executed 'Functions\.echo' \(Succeeded/);
  });

  it('gives a JSON message to the function as an object', async () => {
    const order = { orderId: 'A-17', items: [{ sku: 'x', quantity: 2 }], rush: true };
    await queue(settings.ECHO_QUEUE).sendMessage(base64(JSON.stringify(order)));
    await host.waitForLog(/ECHO .*"orderId":"A-17"/);
    const seen = logged(host, 'ECHO').find((entry) => JSON.stringify(entry).includes('A-17'));
    expect(seen).toMatchObject({ message: order, type: 'object', dequeueCount: 1 });
  });

  it('tries a failing message 5 times, then moves it unchanged to <queue>-poison', async () => {
    const failing = queue(settings.FAIL_QUEUE);
    const text = base64('cannot be processed');
    await failing.sendMessage(text);
    expect(await waitForMessage(queue(`${settings.FAIL_QUEUE}-poison`))).toBe(text);
    await waitForEmpty(failing);
    const tries = (host.output().match(/FAIL dequeueCount=\d+/g) ?? []).map((line) => line.split('=')[1]);
    expect(tries).toEqual(['1', '2', '3', '4', '5']);
    expect(host.count(/Executed 'Functions\.alwaysFails' \(Failed/)).toBe(5);
    expect(host.output()).toContain(
      `Message has reached MaxDequeueCount of 5. Moving message to queue '${settings.FAIL_QUEUE}-poison'`,
    );
  });

  it('retries a message that fails twice and succeeds on the third dequeue', async () => {
    const flaky = queue(settings.FLAKY_QUEUE);
    await flaky.sendMessage(base64('third time lucky'));
    await host.waitForLog(/FLAKY succeeded dequeueCount=3 message=third time lucky/);
    await waitForEmpty(flaky);
    expect(host.count(/FLAKY failing/)).toBe(2);
    expect(await queue(`${settings.FLAKY_QUEUE}-poison`).exists()).toBe(false);
  });

  it('moves a message that is not valid base64 to the poison queue with an error naming the setting', async () => {
    const echo = queue(settings.ECHO_QUEUE);
    const sent = await echo.sendMessage('plain text, not base64!');
    expect(await waitForMessage(queue(`${settings.ECHO_QUEUE}-poison`))).toBe('plain text, not base64!');
    await waitForEmpty(echo);
    expect(host.output()).toContain(
      `Function 'echo', queue '${settings.ECHO_QUEUE}', message ${sent.messageId}: the message is not valid base64, which host.json extensions.queues.messageEncoding "base64" (the default) requires. Moving it to queue '${settings.ECHO_QUEUE}-poison' without running the function.`,
    );
    expect(logged(host, 'ECHO').some((entry) => entry.id === sent.messageId)).toBe(false);
  });
});

describe('queue trigger, start and stop', () => {
  const settings = queueSettings();
  let host: TestHost;
  let overDequeuedId: string;

  beforeAll(async () => {
    // A message some earlier host already dequeued maxDequeueCount times, then lost track of.
    const echo = queue(settings.ECHO_QUEUE);
    await echo.create();
    overDequeuedId = (await echo.sendMessage(base64('tried too often'))).messageId;
    for (let dequeued = 0; dequeued < 5; dequeued++) {
      const [message] = (await echo.receiveMessages({ visibilityTimeout: 30 })).receivedMessageItems;
      await echo.updateMessage(message!.messageId, message!.popReceipt, undefined, 0);
    }
    // 40 messages waiting before the host starts, so its first receive takes a full batch.
    const batch = queue(settings.BATCH_QUEUE);
    await batch.create();
    await Promise.all(Array.from({ length: 40 }, (_, n) => batch.sendMessage(base64(JSON.stringify({ n })))));
    host = await TestHost.start(appDir, { settings });
  });

  afterAll(async () => {
    await host?.kill();
  });

  it('processes 40 waiting messages exactly once, batchSize (16) at a time plus up to newBatchThreshold (8)', async () => {
    await waitUntil<boolean>(
      () => (host.count(/BATCH n=/) >= 40 ? true : undefined),
      '40 BATCH lines',
      20_000,
    );
    await waitForEmpty(queue(settings.BATCH_QUEUE));
    const lines = host.output().match(/BATCH n=\d+ concurrent=\d+/g) ?? [];
    const numbers = lines.map((line) => Number(/n=(\d+)/.exec(line)![1]));
    expect(numbers.sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, n) => n));
    const concurrency = Math.max(...lines.map((line) => Number(/concurrent=(\d+)/.exec(line)![1])));
    expect(concurrency).toBeGreaterThanOrEqual(16);
    expect(concurrency).toBeLessThanOrEqual(16 + 8);
  });

  it('moves a message dequeued more than maxDequeueCount times to poison without running it', async () => {
    expect(await waitForMessage(queue(`${settings.ECHO_QUEUE}-poison`))).toBe(base64('tried too often'));
    await waitForEmpty(queue(settings.ECHO_QUEUE));
    expect(logged(host, 'ECHO')).toEqual([]);
    expect(host.output()).toContain(
      `message ${overDequeuedId}: Message has reached MaxDequeueCount of 5. Moving message to queue '${settings.ECHO_QUEUE}-poison'`,
    );
  });

  it('on stop, stops polling but lets a running invocation finish and deletes its message', async () => {
    const slow = queue(settings.SLOW_QUEUE);
    await slow.sendMessage(base64('draining'));
    await host.waitForLog(/SLOW started draining/);
    expect(await host.stop()).toBe(0);
    expect(host.output()).toMatch(/SLOW finished draining[\s\S]*Executed 'Functions\.slow' \(Succeeded/);
    expect(await messageCount(slow)).toBe(0);
  });
});

describe('queue trigger, at-least-once', () => {
  it('leaves a message on the queue, invisible, when the host dies while the function runs', async () => {
    const settings = queueSettings();
    const host = await TestHost.start(appDir, { settings });
    try {
      const hang = queue(settings.HANG_QUEUE);
      await hang.sendMessage(base64('in flight'));
      await host.waitForLog(/\[hangs\] HANG started/);
      await host.kill();
      expect(await messageCount(hang)).toBe(1);
      expect((await hang.peekMessages()).peekedMessageItems).toHaveLength(0);
    } finally {
      await host.kill();
    }
  });

  it('keeps a running message invisible by renewing its visibility, and hands back the new pop receipt', async () => {
    const client = queue(uniqueName('lease-'));
    await client.create();
    await client.sendMessage('leased');
    // Hidden for 2 s, renewed every 0.3 s, watched for more than twice the timeout: a renewal may take
    // up to 1.7 s (Azurite is shared with the suites CI runs beside this one) before the test fails.
    const [received] = (await client.receiveMessages({ visibilityTimeout: 2 })).receivedMessageItems;
    const lease = new QueueMessageLease(client, received!.messageId, received!.popReceipt, {
      visibilityTimeoutSeconds: 2,
      renewEveryMs: 300,
      onRenewalError: (error) => {
        throw error;
      },
    });
    lease.start();
    const outlived = Date.now() + 4_500;
    while (Date.now() < outlived) {
      expect((await client.peekMessages()).peekedMessageItems).toHaveLength(0);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const popReceipt = await lease.stop();
    expect(popReceipt).not.toBe(received!.popReceipt);
    await client.deleteMessage(received!.messageId, popReceipt);
    expect(await messageCount(client)).toBe(0);
  });
});

describe('queue trigger with messageEncoding "none"', () => {
  const plainQueue = uniqueName('plain-');
  let host: TestHost;

  beforeAll(async () => {
    host = await TestHost.start(plainAppDir, { settings: { PLAIN_QUEUE: plainQueue } });
  });

  afterAll(async () => {
    await host?.stop();
  });

  it('passes the message text through as it was sent', async () => {
    const plain = queue(plainQueue);
    await plain.sendMessage('not base64, and fine');
    await plain.sendMessage('aGVsbG8=');
    await plain.sendMessage('{"kind":"json"}');
    await waitUntil<boolean>(() => (host.count(/\] PLAIN \{/) >= 3 ? true : undefined), '3 PLAIN lines');
    await waitForEmpty(plain);
    const messages = logged(host, 'PLAIN').map((entry) => entry.message);
    expect(messages).toEqual(expect.arrayContaining(['not base64, and fine', 'aGVsbG8=', { kind: 'json' }]));
    expect(messages).toHaveLength(3);
  });
});

describe('queue trigger configuration', () => {
  it('refuses to start on an invalid queue name, naming the function and the name', async () => {
    const { code, output } = await TestHost.startExpectingFailure(appDir, {
      settings: { ...queueSettings(), ECHO_QUEUE: 'Bad_Queue!' },
    });
    expect(code).not.toBe(0);
    expect(output).toContain(`Function 'echo' (queue trigger "`);
    expect(output).toContain('"Bad_Queue!" is not a valid queue name');
  });
});
