import { parseBlobTriggerPath } from '../../src/host/triggers/blob/BlobTriggerPath';
import { TestHost } from '../support/TestHost';
import { testStorage, uniqueName } from '../support/testStorage';

const appDir = 'test/fixtures/apps/blob-app';
const storage = testStorage();
const poisonQueue = storage.queues.getQueueClient('webjobs-blobtrigger-poison');

/** Fresh containers for every function of the fixture app, as the app settings its paths use. */
function containerSettings(): Record<string, string> {
  return {
    WATCH_CONTAINER: uniqueName('watch'),
    CSV_CONTAINER: uniqueName('csv'),
    FAIL_CONTAINER: uniqueName('fail'),
    FLAKY_CONTAINER: uniqueName('flaky'),
    SLOW_CONTAINER: uniqueName('slow'),
    HANG_CONTAINER: uniqueName('hang'),
    REFERENCE_CONTAINER: uniqueName('reference'),
  };
}

async function upload(
  container: string,
  name: string,
  body: string | Buffer,
  options: { metadata?: Record<string, string>; contentType?: string } = {},
): Promise<string> {
  const client = storage.blobs.getContainerClient(container);
  await client.createIfNotExists();
  const response = await client.getBlockBlobClient(name).upload(body, Buffer.byteLength(body), {
    metadata: options.metadata,
    blobHTTPHeaders: { blobContentType: options.contentType },
  });
  return response.etag ?? '';
}

async function receiptMetadata(hostId: string, fn: string, etag: string, container: string, name: string) {
  const receipt = storage.blobs
    .getContainerClient('azure-webjobs-hosts')
    .getBlobClient(`blobreceipts/${hostId}/Host.Functions.${fn}/${etag}/${container}/${name}`);
  return (await receipt.getProperties()).metadata ?? {};
}

async function poisonMessagesFor(container: string): Promise<Record<string, unknown>[]> {
  if (!(await poisonQueue.exists())) return [];
  const peeked = await poisonQueue.peekMessages({ numberOfMessages: 32 });
  return peeked.peekedMessageItems
    .map(
      (item) =>
        JSON.parse(Buffer.from(item.messageText, 'base64').toString('utf8')) as Record<string, unknown>,
    )
    .filter((message) => message.ContainerName === container);
}

async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Nothing after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

async function waitForSaw(host: TestHost, name: string, base64?: string): Promise<Record<string, unknown>> {
  const body = base64 ? `.*"base64":"${escape(base64)}"` : '';
  const match = await host.waitForLog(new RegExp(`SAW (\\{"name":"${escape(name)}"${body}.*)`));
  return JSON.parse(match[1] ?? '{}') as Record<string, unknown>;
}

describe('blob trigger', () => {
  const settings = containerSettings();
  let host: TestHost;

  beforeAll(async () => {
    host = await TestHost.start(appDir, { settings });
  });

  afterAll(async () => {
    await host?.stop();
  });

  it('fires once for a new blob, within 2 s, with its bytes and trigger metadata', async () => {
    const container = settings.WATCH_CONTAINER!;
    const bytes = Buffer.from([0, 1, 2, 250, 255, ...Buffer.from('hello')]);
    const etag = await upload(container, 'docs/hello.bin', bytes, {
      metadata: { author: 'ada' },
      contentType: 'application/x-test',
    });
    const uploaded = Date.now();
    const seen = await waitForSaw(host, 'docs/hello.bin');
    expect(Date.now() - uploaded).toBeLessThan(2_000);

    expect(seen.isBuffer).toBe(true);
    expect(Buffer.from(seen.base64 as string, 'base64').equals(bytes)).toBe(true);
    const metadata = seen.triggerMetadata as Record<string, unknown>;
    expect(metadata.blobTrigger).toBe(`${container}/docs/hello.bin`);
    expect(metadata.uri).toMatch(new RegExp(`/${container}/docs/hello\\.bin$`));
    expect(metadata.metadata).toEqual({ author: 'ada' });
    expect(metadata.properties).toMatchObject({
      contentLength: bytes.length,
      contentType: 'application/x-test',
      eTag: etag,
      blobType: 'Block',
      metadata: { author: 'ada' },
    });
    expect(Number.isNaN(Date.parse((metadata.properties as { lastModified: string }).lastModified))).toBe(
      false,
    );

    // A later blob fires only after more polls, so a second firing of the first would show by then.
    await upload(container, 'sentinel-1', 'x');
    await waitForSaw(host, 'sentinel-1');
    expect(host.count(/SAW \{"name":"docs\/hello\.bin"/)).toBe(1);
    expect(await receiptMetadata(host.hostId, 'watch', etag, container, 'docs/hello.bin')).toEqual({});
  });

  it('fires again when the blob is overwritten (new ETag)', async () => {
    const container = settings.WATCH_CONTAINER!;
    await upload(container, 'report.txt', 'version one');
    await waitForSaw(host, 'report.txt', Buffer.from('version one').toString('base64'));
    await upload(container, 'report.txt', 'version two');
    await waitForSaw(host, 'report.txt', Buffer.from('version two').toString('base64'));
    await upload(container, 'sentinel-2', 'x');
    await waitForSaw(host, 'sentinel-2');
    expect(host.count(/SAW \{"name":"report\.txt"/)).toBe(2);
  });

  it('hands a function with sdkBinding a reference to the blob (model binding data), not its bytes', async () => {
    const container = settings.REFERENCE_CONTAINER!;
    const body = 'a,b\n'.repeat(1000);
    await upload(container, 'big/data.csv', body, { metadata: { model: 'diabetes' } });
    const match = await host.waitForLog(/REFERENCE (\{.*"BlobName":"big\/data\.csv".*)/);
    const seen = JSON.parse(match[1] ?? '{}') as Record<string, unknown>;
    expect(seen).toMatchObject({
      client: {
        source: 'AzureStorageBlobs',
        contentType: 'application/json',
        reference: { Connection: 'AzureWebJobsStorage', ContainerName: container, BlobName: 'big/data.csv' },
      },
      // An input binding with sdkBinding names its blob the same way, whether or not the blob exists.
      sibling: {
        source: 'AzureStorageBlobs',
        reference: {
          Connection: 'AzureWebJobsStorage',
          ContainerName: container,
          BlobName: 'big/data.csv.sibling',
        },
      },
      isBuffer: false,
      contentLength: body.length,
      metadata: { model: 'diabetes' },
    });
  });

  it('fires only for blobs that match the path pattern, with its parameters in the trigger metadata', async () => {
    const container = settings.CSV_CONTAINER!;
    await upload(container, 'incoming/2024/notes.txt', 'not csv');
    await upload(container, 'elsewhere/2024/data.csv', 'a,b');
    await upload(container, 'incoming/flat.csv', 'a,b');
    await upload(container, 'incoming/2024/data.csv', 'a,b');
    await host.waitForLog(/CSV folder=2024 name=data blobTrigger=\S+\/incoming\/2024\/data\.csv/);
    expect(host.count(/CSV folder=/)).toBe(1);
    expect(host.output()).toContain(
      `CSV folder=2024 name=data blobTrigger=${container}/incoming/2024/data.csv`,
    );
  });

  it('resolves %SETTING% in the path and lists the trigger at start-up', () => {
    expect(host.output()).toContain(
      `csvOnly: blob: ${settings.CSV_CONTAINER}/incoming/{folder}/{name}.csv (connection AzureWebJobsStorage)`,
    );
  });

  it('tries a failing function 5 times, then puts the blob on webjobs-blobtrigger-poison', async () => {
    const container = settings.FAIL_CONTAINER!;
    const etag = await upload(container, 'bad.txt', 'boom');
    const [message] = await eventually(async () => {
      const messages = await poisonMessagesFor(container);
      return messages.length > 0 ? messages : undefined;
    });
    expect(message).toEqual({
      Type: 'BlobTrigger',
      FunctionId: 'Host.Functions.alwaysFails',
      BlobType: 'BlockBlob',
      ContainerName: container,
      BlobName: 'bad.txt',
      ETag: etag,
    });
    expect(Object.keys(message!)).toEqual([
      'Type',
      'FunctionId',
      'BlobType',
      'ContainerName',
      'BlobName',
      'ETag',
    ]);
    await host.waitForLog(/blob '\S+\/bad\.txt' .* moved to the queue 'webjobs-blobtrigger-poison'/);
    expect(host.count(/FAIL attempt for bad\.txt/)).toBe(5);
    expect(host.count(/Executed 'Functions\.alwaysFails' \(Failed/)).toBe(5);
    expect(host.output()).toContain('deliberate failure for bad.txt');
    expect(await receiptMetadata(host.hostId, 'alwaysFails', etag, container, 'bad.txt')).toEqual({});
  });

  it('ends with one success and no poison message when the function fails twice, then succeeds', async () => {
    const container = settings.FLAKY_CONTAINER!;
    await upload(container, 'flaky.txt', 'data');
    await host.waitForLog(/Executed 'Functions\.flaky' \(Succeeded/);
    expect(host.output()).toContain('FLAKY succeeded for flaky.txt on attempt 3');
    expect(host.count(/Executed 'Functions\.flaky' \(Failed/)).toBe(2);
    expect(host.count(/Executed 'Functions\.flaky' \(Succeeded/)).toBe(1);
    expect(await poisonMessagesFor(container)).toEqual([]);
  });

  it('processes blobs in parallel up to maxDegreeOfParallelism, each blob once at a time', async () => {
    const container = settings.SLOW_CONTAINER!;
    const names = ['s1', 's2', 's3', 's4'];
    await Promise.all(names.map((name) => upload(container, name, name)));
    for (const name of names) await host.waitForLog(new RegExp(`SLOW end ${name}\\b`), 15_000);
    let running = 0;
    let most = 0;
    for (const line of host.output().split('\n')) {
      if (/SLOW start s\d/.test(line)) most = Math.max(most, ++running);
      if (/SLOW end s\d/.test(line)) running--;
    }
    expect(most).toBe(2);
    for (const name of names) expect(host.count(new RegExp(`SLOW start ${name}\\b`))).toBe(1);
  });

  it('keeps firing after a blob whose name no listing can carry, fires that one too and reports it once', async () => {
    const container = settings.WATCH_CONTAINER!;
    // Azurite accepts this name but fails (HTTP 500, empty body) every listing page that includes it.
    const hostile = 'hostile/a\u0001b.csv';
    const shown = 'hostile/a\\u0001b.csv';
    await upload(container, hostile, 'bad name');
    await upload(container, 'hostile/normal.csv', 'good name');
    const uploaded = Date.now();
    await waitForSaw(host, 'hostile/normal.csv');
    expect(Date.now() - uploaded).toBeLessThan(3_000);
    const seen = await waitForSaw(host, shown);
    expect(seen.triggerMetadata).toMatchObject({ blobTrigger: `${container}/${hostile}`, name: hostile });
    await host.waitForLog(
      /blob '\S+\/hostile\/a\\u0001b\.csv' cannot be listed: its name has U\+0001 at index 9, which XML 1\.0 cannot carry, so every listing page that includes it fails \(RestError with no message \(HTTP 500, empty response body, request id \S+\)\); Azure Storage refuses such names\./,
    );

    // Later polls get past it at once: a new blob after it in name order fires within the usual time.
    await upload(container, 'sentinel-3', 'x');
    const later = Date.now();
    await waitForSaw(host, 'sentinel-3');
    expect(Date.now() - later).toBeLessThan(2_000);
    expect(host.count(/cannot be listed/)).toBe(1);
    expect(host.count(new RegExp(`SAW \\{"name":"${escape(shown)}"`))).toBe(1);
    expect(host.output()).not.toContain('cannot list the container');
    // Its receipt is named so that the host's own container stays listable.
    const receipts = [];
    for await (const blob of storage.blobs.getContainerClient('azure-webjobs-hosts').listBlobsFlat()) {
      if (blob.name.endsWith('hostile/a%01b.csv')) receipts.push(blob.name);
    }
    expect(receipts).toHaveLength(1);
  });
});

describe('blob trigger across restarts', () => {
  it('fires for blobs that existed before the first start, and not again after a restart', async () => {
    const settings = containerSettings();
    const container = settings.WATCH_CONTAINER!;
    await upload(container, 'old-1.txt', 'one');
    await upload(container, 'old-2.txt', 'two');
    const first = await TestHost.start(appDir, { settings });
    try {
      await waitForSaw(first, 'old-1.txt');
      await waitForSaw(first, 'old-2.txt');
    } finally {
      await first.stop();
    }

    const second = await TestHost.start(appDir, { settings, hostId: first.hostId });
    try {
      await second.waitForLog(/Blob '\S+\/old-1\.txt' \(ETag \S+\) was already processed/);
      await second.waitForLog(/Blob '\S+\/old-2\.txt' \(ETag \S+\) was already processed/);
      await upload(container, 'new.txt', 'three');
      await waitForSaw(second, 'new.txt');
      expect(second.count(/SAW \{"name":"old-/)).toBe(0);
    } finally {
      await second.stop();
    }
  });

  it('fires again after a crash mid-invocation, counting the interrupted attempt', async () => {
    const settings = containerSettings();
    const container = settings.HANG_CONTAINER!;
    const crashed = await TestHost.start(appDir, { settings: { ...settings, HANG: 'true' } });
    const etag = await upload(container, 'job.txt', 'work');
    await crashed.waitForLog(/HANG started job\.txt/);
    await crashed.kill();
    const receipt = await receiptMetadata(crashed.hostId, 'hangs', etag, container, 'job.txt');
    expect(receipt).toEqual({ incomplete: 'Incomplete', attempts: '1' });

    const restarted = await TestHost.start(appDir, { settings, hostId: crashed.hostId });
    try {
      // The crashed host's receipt lease (15 s, no longer renewed) must run out first.
      await restarted.waitForLog(/HANG done job\.txt/, 25_000);
      await eventually(async () => {
        const metadata = await receiptMetadata(crashed.hostId, 'hangs', etag, container, 'job.txt');
        return Object.keys(metadata).length === 0 ? metadata : undefined;
      });
    } finally {
      await restarted.stop();
    }
  }, 45_000);
});

describe('blob trigger paths', () => {
  it.each([
    ['samples-workitems/{name}', 'a/b.txt', { name: 'a/b.txt' }],
    ['input/{folder}/{name}.csv', 'x/y.csv', { folder: 'x', name: 'y' }],
    ['input/{folder}/{name}.csv', 'y.csv', undefined],
    ['input/original-{name}', 'original-cat.png', { name: 'cat.png' }],
    ['input/original-{name}', 'copy-cat.png', undefined],
    ['input/fixed.txt', 'fixed.txt', {}],
    ['input/fixed.txt', 'fixed.txt.bak', undefined],
    ['input', 'any/thing', {}],
  ])('%s matches %s as %j', (path, blobName, expected) => {
    expect(parseBlobTriggerPath(path, 'test').match(blobName)).toEqual(expected);
  });

  it('lists by the literal start of the name pattern', () => {
    expect(parseBlobTriggerPath('input/original-{name}', 'test')).toMatchObject({
      container: 'input',
      prefix: 'original-',
    });
  });

  it.each([
    ['{box}/{name}', /has an \{expression\} in its container name/],
    ['Input/{name}', /"Input" \(from the path "Input\/\{name\}"\) is not a valid container name/],
    ['ab/{name}', /"ab" .* is not a valid container name/],
  ])('refuses %s, naming the function', (path, message) => {
    expect(() => parseBlobTriggerPath(path, "Function 'f'")).toThrow(message);
    expect(() => parseBlobTriggerPath(path, "Function 'f'")).toThrow(/^Function 'f'/);
  });
});
