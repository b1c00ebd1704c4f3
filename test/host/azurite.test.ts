import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { TableClient } from '@azure/data-tables';
import { findFreePort, startAzurite } from '../../src/host/azurite/startAzurite';
import { azuriteConnectionString } from '../../src/host/storage/StorageConnection';

jest.setTimeout(60_000);

describe('Azurite started by the host (on disk, as npm start uses it)', () => {
  let folder: string;
  beforeEach(() => (folder = fs.mkdtempSync(path.join(os.tmpdir(), 'azurite-test-'))));
  afterEach(() => fs.rmSync(folder, { recursive: true, force: true }));

  test('stops on its own (not killed) and what was written is there after a restart', async () => {
    const ports = { blob: await findFreePort(), queue: await findFreePort(), table: await findFreePort() };
    const connection = azuriteConnectionString(ports);
    const first = await startAzurite({ ports, location: folder });
    const container = BlobServiceClient.fromConnectionString(connection).getContainerClient('kept');
    await container.create();
    await container.getBlockBlobClient('a.txt').upload('hello', 5);
    const table = TableClient.fromConnectionString(connection, 'kept', { allowInsecureConnection: true });
    await table.createTable();
    await table.createEntity({ partitionKey: 'p', rowKey: 'r', value: 42 });
    expect(await first.stop()).toEqual({ forced: false });

    const second = await startAzurite({ ports, location: folder });
    try {
      const text = (await container.getBlobClient('a.txt').downloadToBuffer()).toString();
      const entity = await table.getEntity<{ value: number }>('p', 'r');
      expect({ text, value: entity.value }).toEqual({ text: 'hello', value: 42 });
    } finally {
      expect(await second.stop()).toEqual({ forced: false });
    }
  });
});
