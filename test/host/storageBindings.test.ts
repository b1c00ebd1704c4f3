import { TestHost } from '../support/TestHost';
import { testStorage, uniqueName } from '../support/testStorage';

const appDir = 'test/fixtures/apps/bindings-app';
const names = { container: uniqueName('data'), queue: uniqueName('messages'), table: uniqueName('entities') };
let host: TestHost;

beforeAll(async () => {
  host = await TestHost.start(appDir, {
    settings: { DATA_CONTAINER: names.container, DATA_QUEUE: names.queue, DATA_TABLE: names.table },
  });
});

afterAll(async () => {
  await host?.stop();
});

const storage = () => testStorage();
const rawBytes = Buffer.from([0, 1, 2, 254, 255]);

function postJson(path: string, body: unknown) {
  return host.fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** Receives (and deletes) every message on the queue, decoded from base64 as the queue trigger decodes it. */
async function drainQueue(): Promise<string[]> {
  const queue = storage().queues.getQueueClient(names.queue);
  const texts: string[] = [];
  for (;;) {
    const { receivedMessageItems } = await queue.receiveMessages({ numberOfMessages: 32 });
    if (receivedMessageItems.length === 0) return texts;
    for (const message of receivedMessageItems) {
      texts.push(Buffer.from(message.messageText, 'base64').toString('utf8'));
      await queue.deleteMessage(message.messageId, message.popReceipt);
    }
  }
}

describe('storage output bindings', () => {
  beforeAll(async () => {
    const response = await postJson('/api/items/a1', {
      document: { title: 'Report', values: [1, 2, 3] },
      rawBase64: rawBytes.toString('base64'),
      messages: ['hello', { n: 1 }],
      entities: [
        { RowKey: 'r1', Kind: 'k', Score: 7 },
        { rowKey: 'r2', Kind: 'k', Score: 3, Tags: ['x', 'y'] },
        { PartitionKey: 'other', RowKey: 'r3', Kind: 'k' },
      ],
    });
    expect(response.status).toBe(201);
  });

  it('writes a JSON value and bytes to blobs at paths built from route parameters', async () => {
    const container = storage().blobs.getContainerClient(names.container);
    const document = await container.getBlockBlobClient('a1/doc.json').downloadToBuffer();
    expect(JSON.parse(document.toString())).toEqual({ title: 'Report', values: [1, 2, 3] });
    expect((await container.getBlockBlobClient('a1/raw.bin').downloadToBuffer()).equals(rawBytes)).toBe(true);
  });

  it('sends one base64-encoded queue message per array element', async () => {
    expect(await drainQueue()).toEqual(['hello', '{"n":1}']);
  });

  it('inserts entities, taking the partition key from the binding when the entity has none', async () => {
    const table = storage().table(names.table);
    expect(await table.getEntity('a1', 'r1')).toMatchObject({ Kind: 'k', Score: 7 });
    expect(await table.getEntity('a1', 'r2')).toMatchObject({ Score: 3, Tags: '["x","y"]' });
    expect(await table.getEntity('other', 'r3')).toMatchObject({ Kind: 'k' });
  });

  it('writes the return value to a queue', async () => {
    expect((await host.fetch('/api/enqueue/b2', { method: 'POST' })).status).toBe(204);
    expect(await drainQueue()).toEqual(['message for b2']);
  });

  it('inserts a returned entity; inserting it again fails the function, as the real binding does', async () => {
    expect((await host.fetch('/api/entities/c3', { method: 'POST', body: 'first' })).status).toBe(204);
    expect((await host.fetch('/api/entities/c3', { method: 'POST', body: 'second' })).status).toBe(500);
    await host.waitForLog(/Executed 'Functions\.insertEntity' \(Failed[\s\S]*already exists in table/);
    expect(await storage().table(names.table).getEntity('inserted', 'c3')).toMatchObject({ Note: 'first' });
  });
});

describe('storage input bindings', () => {
  it('reads blobs as bytes from a path with route parameters; a missing blob is undefined', async () => {
    const container = storage().blobs.getContainerClient(names.container);
    await container.createIfNotExists();
    await container.getBlockBlobClient('in1/doc.json').upload('{"a":1}', 7);
    await container.getBlockBlobClient('in1/raw.bin').upload(rawBytes, rawBytes.length);
    expect(await (await host.fetch('/api/items/in1')).json()).toEqual({
      isBuffer: true,
      document: '{"a":1}',
      rawBase64: rawBytes.toString('base64'),
    });
    expect(await (await host.fetch('/api/items/missing')).json()).toEqual({
      isBuffer: false,
      document: null,
      rawBase64: null,
    });
  });

  it('reads one entity by partition and row key from route parameters; a missing one is undefined', async () => {
    const table = storage().table(names.table);
    await table.createTable();
    await table.createEntity({ partitionKey: 'in2', rowKey: 'r1', Kind: 'k', Score: 7 });
    const found = (await (await host.fetch('/api/items/in2/entities/r1')).json()) as {
      entity: Record<string, unknown>;
    };
    expect(found.entity).toMatchObject({ PartitionKey: 'in2', RowKey: 'r1', Kind: 'k', Score: 7 });
    expect(found.entity.Timestamp).toEqual(expect.any(String));
    expect(await (await host.fetch('/api/items/in2/entities/nope')).json()).toEqual({ entity: null });
  });

  it('queries entities with a filter built from the query string and take', async () => {
    const table = storage().table(names.table);
    await table.createTable();
    const kinds = { q1: 'blue', q2: 'red', q3: 'blue', q4: 'blue' };
    for (const [rowKey, kind] of Object.entries(kinds)) {
      await table.createEntity({ partitionKey: 'in3', rowKey, Kind: kind });
    }
    const blue = (await (await host.fetch('/api/items/in3/entities?kind=blue')).json()) as {
      RowKey: string;
    }[];
    expect(blue.map((entity) => entity.RowKey)).toEqual(['q1', 'q3']);
    expect(await (await host.fetch('/api/items/in3/entities?kind=green')).json()).toEqual([]);
  });
});
