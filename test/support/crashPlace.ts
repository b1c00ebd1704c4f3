import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findFreeAzuritePorts } from '../../src/host/azurite/startAzurite';
import { azuriteConnectionString } from '../../src/host/storage/StorageConnection';
import { StorageTap } from './StorageTap';

/**
 * `host alone`: the host on the test run's Azurite (through a tap), which outlives every kill.
 * `host + embedded Azurite`: the host starts its own Azurite on disk, which goes down with it.
 */
export type StorageMode = 'host alone' | 'host + embedded Azurite';

/** Where one run's host runs and keeps its state. */
export interface CrashPlace {
  /** The app folder the host is started on. */
  readonly appDir: string;
  /** The host's storage settings. */
  readonly settings: Record<string, string>;
  /** The same storage, for the test's own reads and writes. */
  readonly connection: string;
  /** Host alone: the proxy between the host and Azurite, to kill the host at a storage request. */
  readonly tap?: StorageTap;
  dispose(): Promise<void>;
}

// The project app, as a folder of links: its Azurite data (.azurite/) is then the run's own.
const appEntries = ['host.json', 'package.json', 'local.settings.json', 'dist', 'models'];

export async function crashPlace(mode: StorageMode): Promise<CrashPlace> {
  if (mode === 'host alone') {
    const connection = process.env.TEST_STORAGE_CONNECTION ?? '';
    const tap = await StorageTap.start(connection);
    return {
      appDir: '.',
      settings: { AzureWebJobsStorage: tap.connectionString },
      connection,
      tap,
      dispose: () => tap.stop(),
    };
  }
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'scoring-crash-'));
  for (const entry of appEntries) fs.symlinkSync(path.resolve(entry), path.join(folder, entry));
  const ports = await findFreeAzuritePorts();
  return {
    appDir: folder,
    settings: {
      AzureWebJobsStorage: 'UseDevelopmentStorage=true',
      DurableScoring__AzuritePorts: `${ports.blob},${ports.queue},${ports.table}`,
    },
    connection: azuriteConnectionString(ports),
    dispose: () => Promise.resolve(fs.rmSync(folder, { recursive: true, force: true })),
  };
}
