import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { TableClient } from '@azure/data-tables';
import { findFreeAzuritePorts, startAzurite } from '../../src/host/azurite/startAzurite';
import { azuriteConnectionString, type AzuritePorts } from '../../src/host/storage/StorageConnection';
import { TestHost } from '../support/TestHost';

jest.setTimeout(60_000);

describe('Azurite started by the host (on disk, as npm start uses it)', () => {
  let folder: string;
  beforeEach(() => (folder = fs.mkdtempSync(path.join(os.tmpdir(), 'azurite-test-'))));
  afterEach(() => fs.rmSync(folder, { recursive: true, force: true }));

  test('stops on its own (not killed) and what was written is there after a restart', async () => {
    const ports = await findFreeAzuritePorts();
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

/** An app folder with no functions: the host still starts its Azurite (data in <app>/.azurite). */
function emptyApp(folder: string): string {
  fs.writeFileSync(path.join(folder, 'host.json'), JSON.stringify({ version: '2.0' }));
  fs.writeFileSync(
    path.join(folder, 'package.json'),
    JSON.stringify({ name: 'empty-app', main: 'index.js' }),
  );
  fs.writeFileSync(path.join(folder, 'index.js'), '');
  return folder;
}

/** The host's own on-disk Azurite (UseDevelopmentStorage=true), moved to the given ports. */
const ownAzurite = (ports: AzuritePorts) => ({
  AzureWebJobsStorage: 'UseDevelopmentStorage=true',
  DurableScoring__AzuritePorts: `${ports.blob},${ports.queue},${ports.table}`,
});

describe("the host's own Azurite (UseDevelopmentStorage=true, on disk)", () => {
  let folder: string;
  beforeEach(() => (folder = emptyApp(fs.mkdtempSync(path.join(os.tmpdir(), 'azurite-host-')))));
  afterEach(() => fs.rmSync(folder, { recursive: true, force: true }));

  test('keeps acknowledged writes when the host is killed (SIGKILL) right after them', async () => {
    const ports = await findFreeAzuritePorts();
    const connection = azuriteConnectionString(ports);
    const settings = ownAzurite(ports);
    const first = await TestHost.start(folder, { settings });
    const container = BlobServiceClient.fromConnectionString(connection).getContainerClient('kept');
    const table = TableClient.fromConnectionString(connection, 'kept', { allowInsecureConnection: true });
    await container.create();
    await table.createTable();
    // Azurite saves its databases every 5 s: a kill this soon after the writes lands between saves.
    await container.getBlockBlobClient('a.txt').upload('hello', 5);
    await table.createEntity({ partitionKey: 'p', rowKey: 'r', value: 42 });
    await first.kill();

    // Started at once: it waits for the old Azurite to finish saving instead of failing on its ports.
    const second = await TestHost.start(folder, { hostId: first.hostId, settings });
    try {
      const text = (await container.getBlobClient('a.txt').downloadToBuffer()).toString();
      const entity = await table.getEntity<{ value: number }>('p', 'r');
      expect({ text, value: entity.value }).toEqual({ text: 'hello', value: 42 });
    } finally {
      await second.stop();
    }
    expect(second.output()).toContain(
      `Azurite listening on 127.0.0.1:${ports.blob},${ports.queue},${ports.table}`,
    );
  });

  test('a second host on the same app folder is refused while the first runs', async () => {
    const ports = await findFreeAzuritePorts();
    const first = await TestHost.start(folder, { settings: ownAzurite(ports) });
    try {
      const second = await TestHost.startExpectingFailure(folder, {
        settings: ownAzurite(await findFreeAzuritePorts()),
      });
      expect(second.code).not.toBe(0);
      expect(second.output).toMatch(
        /The Azurite data in .* is in use by Azurite \(pid \d+\) of another running process/,
      );
    } finally {
      await first.stop();
    }
  });

  test('the keys command finds the data where the host keeps it: on its running Azurite, or on disk', async () => {
    const ports = await findFreeAzuritePorts();
    const settings = ownAzurite(ports);
    const host = await TestHost.start(folder, { settings });
    const keys = () =>
      execFileSync(process.execPath, ['bin/durable-scoring.js', 'keys', folder, '--json'], {
        env: { ...process.env, ...settings, AzureFunctionsWebHost__hostid: host.hostId },
        encoding: 'utf8',
      });
    let whileRunning: string;
    try {
      whileRunning = (JSON.parse(keys()) as { master: string }).master;
    } finally {
      await host.stop();
    }
    // No host now: the command starts Azurite on the app's data (on the same ports) for a moment.
    expect((JSON.parse(keys()) as { master: string }).master).toBe(whileRunning);
    expect(whileRunning).toMatch(/^\S{20,}$/);
  });

  test('a port taken by something else stops the host with a message naming it', async () => {
    const ports = await findFreeAzuritePorts();
    const squatter = net.createServer();
    await new Promise<void>((resolve) => squatter.listen(ports.queue, '127.0.0.1', resolve));
    try {
      const host = await TestHost.startExpectingFailure(folder, { settings: ownAzurite(ports) });
      expect(host.output).toContain(`Port ${ports.queue} (Azurite queue) is already in use.`);
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });

  test('refuses a malformed port setting, naming it', async () => {
    const host = await TestHost.startExpectingFailure(folder, {
      settings: {
        AzureWebJobsStorage: 'UseDevelopmentStorage=true',
        DurableScoring__AzuritePorts: '20000,20001',
      },
    });
    expect(host.output).toContain('The app setting DurableScoring__AzuritePorts is "20000,20001"');
  });
});
