import { Command } from 'commander';
import { endpointConnectionString, endpointSettings } from '../host/eventHubs/endpointSettings';
import { loadAppFolder } from '../host/app/loadAppFolder';
import { AppSettings } from '../host/settings/AppSettings';
import { keyVaultReferenceIn, keyVaultReferencesError } from '../host/settings/keyVaultReferences';
import { readEventFile } from './readEventFile';
import { sendEventFile } from './sendEventFile';

interface SendCommandOptions {
  hub: string;
  connection?: string;
  rate?: string;
  partitionKeyField?: string;
}

const defaultConnectionSetting = 'EventHubConnection';

/** `durable-scoring streams send <file> --hub <hub>`: replays a CSV or JSON Lines file into an event hub. */
export function streamsSendCommand(): Command {
  return new Command('send')
    .description(
      'Replay a .csv or .jsonl file into an event hub, one event per row (a JSON object body), with @azure/event-hubs.',
    )
    .argument(
      '<file>',
      'events: .csv (header line; numbers become JSON numbers) or .jsonl (one object a line)',
    )
    .argument('[appDir]', 'function app folder whose settings name the connection', '.')
    .requiredOption('--hub <hub>', 'event hub name')
    .option(
      '--connection <connection>',
      `an Event Hubs connection string, or the app setting holding one (default: ${defaultConnectionSetting}, else the local host's endpoint)`,
    )
    .option(
      '--rate <events/s>',
      'send at most this many events per second (default: as fast as the hub takes them)',
    )
    .option(
      '--partition-key-field <field>',
      "a field whose value picks each event's partition, so one key's events stay in order (e.g. deviceId)",
    )
    .action((file: string, appDir: string, options: SendCommandOptions) => runSend(file, appDir, options));
}

async function runSend(file: string, appDir: string, options: SendCommandOptions): Promise<void> {
  const rate = options.rate === undefined ? undefined : Number(options.rate);
  if (rate !== undefined && !(Number.isFinite(rate) && rate > 0))
    throw new Error(`--rate ${options.rate} must be a number of events per second above 0.`);
  const app = loadAppFolder(appDir);
  const settings = new AppSettings(app.localValues, process.env);
  const connection = connectionFrom(options.connection, settings);
  const events = await readEventFile(file);
  if (events.length === 0) throw new Error(`${file} has no events.`);
  const summary = await sendEventFile(events, {
    connection: connection.value,
    hub: options.hub,
    rate,
    partitionKeyField: options.partitionKeyField,
    file,
  });
  console.log(
    `Sent ${summary.events} events from ${file} to hub ${options.hub} (${summary.partitions} partitions, ${connection.shown}) ` +
      `in ${summary.seconds.toFixed(1)} s: ${Math.round(summary.events / summary.seconds)} events/s.`,
  );
}

/** The connection string to use and how to name it without printing a key. */
function connectionFrom(option: string | undefined, settings: AppSettings): { value: string; shown: string } {
  if (option !== undefined && /Endpoint=/i.test(option)) return { value: option, shown: endpointOf(option) };
  const name = option ?? defaultConnectionSetting;
  const value = settings.get(name);
  const reference = keyVaultReferenceIn(value ?? '');
  if (reference) throw keyVaultReferencesError([{ name, reference }]);
  if (value !== undefined && value !== '')
    return { value, shown: `${endpointOf(value)} from setting ${name}` };
  if (option !== undefined)
    throw new Error(
      `--connection ${option}: no app setting "${option}" (and it is not a connection string: those start with "Endpoint=").`,
    );
  const endpoint = endpointSettings(settings);
  const local = endpointConnectionString(endpoint.port, endpoint.key, { showKey: true });
  return { value: local, shown: `${endpointOf(local)}, the local host's endpoint` };
}

function endpointOf(connection: string): string {
  return /Endpoint=([^;]+)/i.exec(connection)?.[1] ?? 'the connection';
}
