import { Command } from 'commander';
import { EventHubsEndpoint } from '../host/eventHubs/amqp/EventHubsEndpoint';
import { endpointConnectionString, endpointSettings } from '../host/eventHubs/endpointSettings';
import { HubDirectory } from '../host/eventHubs/HubDirectory';
import { checkEventHubName } from '../host/eventHubs/EventHubEvent';
import { EventHubLog, maxPartitionCount } from '../host/eventHubs/EventHubLog';
import { openAppStorage } from './openAppStorage';

interface EventHubsOptions {
  port?: string;
  hub: string[];
  partitions: string;
}

/**
 * `durable-scoring eventhubs`: the host's Event Hubs endpoint on its own, as a local emulator for any app
 * or test, over the app folder's storage (its host's Azurite when one runs, else one started for it).
 */
export function eventHubsCommand(): Command {
  return new Command('eventhubs')
    .description(
      'Serve Event Hubs over AMQP on 127.0.0.1 (an emulator for the Event Hubs SDKs), until Ctrl+C.',
    )
    .argument('[appDir]', 'function app folder whose storage keeps the events', '.')
    .option(
      '-p, --port <port>',
      'AMQP port (default: DurableScoring__EventHubs__Port, else 5672; 0 picks one)',
    )
    .option(
      '--hub <name>',
      'an event hub to serve (repeat for more)',
      (value: string, all: string[]) => [...all, value],
      [],
    )
    .option('--partitions <count>', 'partition count of hubs created now', '4')
    .action((appDir: string, options: EventHubsOptions) => runEventHubs(appDir, options));
}

async function runEventHubs(appDir: string, options: EventHubsOptions): Promise<void> {
  const partitions = Number(options.partitions);
  if (!Number.isInteger(partitions) || partitions < 1 || partitions > maxPartitionCount)
    throw new Error(
      `--partitions ${options.partitions} must be a whole number from 1 to ${maxPartitionCount}.`,
    );
  const appStorage = await openAppStorage(appDir, 'durable-scoring eventhubs', { startAzurite: true });
  const settings = endpointSettings(appStorage.settings);
  const hubs = [...options.hub.map((hub) => checkEventHubName(hub, '--hub')), ...settings.hubs];
  if (hubs.length === 0) {
    await appStorage.close();
    throw new Error(
      'Name the event hubs to serve: --hub <name> (repeat for more), or DurableScoring__EventHubs__Hubs.',
    );
  }
  const storage = appStorage.storage;
  const port = options.port === undefined ? settings.port : Number(options.port);
  const endpoint = await EventHubsEndpoint.start({
    port,
    keys: [settings.key],
    hubs: new HubDirectory({
      hubs,
      openLog: (hub) => EventHubLog.open(storage, hub, partitions),
      howToAddHub: 'Restart the command with another --hub.',
    }),
    log: { info: (line) => console.log(line), warn: (line) => console.warn(line) },
  }).catch(async (error: unknown) => {
    await appStorage.close();
    throw error;
  });
  console.log(
    `Event Hubs (AMQP) on 127.0.0.1:${endpoint.port} for ${hubs.map((hub) => `'${hub}'`).join(', ')}.`,
  );
  console.log(
    `Connection string: ${endpointConnectionString(endpoint.port, settings.key, { showKey: false })}`,
  );
  console.log('Ctrl+C to stop.');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await endpoint.stop();
  await appStorage.close();
}
