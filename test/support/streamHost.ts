import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findFreePort } from '../../src/host/azurite/startAzurite';
import { uniqueHubName } from './durableTestClient';
import { emulatorConnectionString } from './eventHubsEmulator';
import { TestHost } from './TestHost';
import { hostSecrets, uniqueName } from './testStorage';

export interface StreamHost {
  readonly host: TestHost;
  /** The Event Hubs connection string of the host's own endpoint, for producers. */
  readonly connection: string;
  /** The host's master key. */
  readonly key: string;
}

/**
 * Starts the app on the host with `streams` (file name → definition) in a folder of their own, the
 * host's Event Hubs endpoint on a free port, and its own streams and windows tables, registry, task hub
 * and input container; `settings` add to those or replace them.
 */
export async function startStreamHost(options: {
  readonly hostId: string;
  /** Names the task hub and the input container. */
  readonly name: string;
  readonly streams: Readonly<Record<string, unknown>>;
  readonly settings?: Readonly<Record<string, string>>;
}): Promise<StreamHost> {
  const streamsDirectory = path.join(mkdtempSync(path.join(os.tmpdir(), 'streams-')), 'streams');
  mkdirSync(streamsDirectory);
  for (const [name, definition] of Object.entries(options.streams))
    writeFileSync(path.join(streamsDirectory, `${name}.json`), JSON.stringify(definition));
  const port = await findFreePort();
  const connection = emulatorConnectionString(port);
  const host = await TestHost.start('.', {
    hostId: options.hostId,
    settings: {
      EventHubConnection: connection,
      DurableScoring__EventHubs__Port: String(port),
      STREAMS_DIRECTORY: streamsDirectory,
      STREAMS_TABLE: uniqueName('streams'),
      STREAM_WINDOWS_TABLE: uniqueName('windows'),
      MODEL_REGISTRY_TABLE: uniqueName('models'),
      MODEL_REGISTRY_CONTAINER: uniqueName('models'),
      SCORING_INPUT_CONTAINER: uniqueName(`${options.name.toLowerCase()}in`),
      AzureFunctionsJobHost__extensions__durableTask__hubName: uniqueHubName(options.name),
      'AzureWebJobs.retrainOnSchedule.Disabled': 'true',
      ...options.settings,
    },
  });
  const key = (await hostSecrets(options.hostId)).masterKey.value;
  return { host, connection, key };
}
