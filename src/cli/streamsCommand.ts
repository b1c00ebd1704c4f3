import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { ValidationError } from '../errors';
import { parseStreamDefinition } from '../streaming/StreamDefinition';
import { defaultHostUrl, JobsApiClient } from './JobsApiClient';
import { printTable } from './printTable';
import { streamsSendCommand } from './streamsSendCommand';

interface ApiOptions {
  url: string;
  json?: boolean;
}

interface StreamTotals {
  name: string;
  mode: string;
  hub: string;
  model: string;
  eventsIn: number;
  badEvents: number;
  scoredEvents: number;
  landedEvents?: number;
  lastBatchAt: string | null;
}

interface WindowView {
  windowStart: string;
  windowEnd: string;
  state: string;
  keys?: number;
  eventsIn?: number;
  lateEvents?: number;
  model?: string;
  modelVersion?: number;
  closeToCommitMs?: number;
  reason?: string;
}

interface StreamView extends Omit<StreamTotals, 'model'> {
  definition: {
    source: { hub: string; consumerGroup: string; connection: string };
    mode: string;
    window?: { kind: string; size: number; hop?: number; allowedLateness: number; eventTime?: string };
  };
  lastWindow?: WindowView | null;
  model: { reference: string; name?: string; version?: number; sha256?: string; error?: string };
  partitions: {
    partitionId: string;
    eventsIn: number;
    scoredEvents: number;
    landedEvents?: number;
    badEvents: number;
    lastSequenceNumber: number;
    lastBatchAt: string;
    model?: string;
  }[];
}

/** `durable-scoring streams list|show|validate|send`: the streams API of a running host, and the demo's producer. */
export function streamsCommand(): Command {
  const command = new Command('streams').description(
    "Event Hub streams: list and show them through a running host's API, check a definition, replay a file into a hub.",
  );
  command
    .command('list')
    .description('List the streams the app runs, with their event counts.')
    .argument('[appDir]', 'function app folder', '.')
    .option('--url <url>', 'address of the running host', defaultHostUrl)
    .option('--json', 'print JSON (as GET /api/streams returns it)')
    .action(async (appDir: string, options: ApiOptions) => {
      const api = await JobsApiClient.open(appDir, options.url);
      const { streams } = await api.call<{ streams: StreamTotals[] }>('GET', 'streams');
      if (options.json) console.log(JSON.stringify({ streams }, null, 2));
      else if (streams.length === 0) console.log('No streams (the app has no stream definitions).');
      else
        printTable(
          ['NAME', 'MODE', 'HUB', 'MODEL', 'EVENTS', 'SCORED / LANDED', 'BAD', 'LAST BATCH'],
          streams.map((s) => [
            s.name,
            s.mode,
            s.hub,
            s.model,
            String(s.eventsIn),
            String(progressCount(s.mode, s)),
            String(s.badEvents),
            s.lastBatchAt ?? '-',
          ]),
        );
    });
  command
    .command('show')
    .description(
      'Show a stream: its source, the model its reference resolves to now, and progress per partition.',
    )
    .argument('<name>', 'stream name')
    .argument('[appDir]', 'function app folder', '.')
    .option('--url <url>', 'address of the running host', defaultHostUrl)
    .option('--json', 'print JSON (as GET /api/streams/{name} returns it)')
    .action(async (name: string, appDir: string, options: ApiOptions) => {
      const api = await JobsApiClient.open(appDir, options.url);
      const stream = await api.call<StreamView>('GET', `streams/${encodeURIComponent(name)}`);
      if (options.json) console.log(JSON.stringify(stream, null, 2));
      else printStream(stream);
    });
  command
    .command('validate')
    .description('Check a stream definition file; print it with its defaults, or the field that is wrong.')
    .argument('<file>', 'stream definition (.json)')
    .action((file: string) => validateFile(file));
  command.addCommand(streamsSendCommand());
  return command;
}

function printStream(stream: StreamView): void {
  const { source } = stream.definition;
  const model = stream.model;
  const lines: [string, string][] = [
    ['Stream', `${stream.name} (${stream.definition.mode})`],
    ['Hub', `${source.hub} (consumer group ${source.consumerGroup}, connection ${source.connection})`],
    [
      'Model',
      model.error === undefined
        ? `${model.reference} → ${model.name}@${model.version} (sha256 ${model.sha256})`
        : `${model.reference}: ${model.error}`,
    ],
    [
      'Events',
      `${stream.eventsIn} in, ${progressOf(stream.definition.mode, stream)}, ${stream.badEvents} bad`,
    ],
    ['Last batch', stream.lastBatchAt ?? '-'],
    ...windowLines(stream),
  ];
  for (const [label, value] of lines) console.log(`${`${label}:`.padEnd(13)}${value}`);
  if (stream.partitions.length === 0) return;
  console.log('');
  printTable(
    ['PARTITION', 'EVENTS', 'SCORED / LANDED', 'BAD', 'LAST SEQUENCE', 'LAST BATCH', 'MODEL'],
    stream.partitions.map((p) => [
      p.partitionId,
      String(p.eventsIn),
      String(progressCount(stream.definition.mode, p)),
      String(p.badEvents),
      String(p.lastSequenceNumber),
      p.lastBatchAt,
      p.model ?? '-',
    ]),
  );
}

function windowLines(stream: StreamView): [string, string][] {
  const window = stream.definition.window;
  if (window === undefined) return [];
  const hop = window.hop === undefined ? '' : ` every ${window.hop} ms`;
  const time = window.eventTime === undefined ? 'enqueued time' : `event time "${window.eventTime}"`;
  const last = stream.lastWindow;
  return [
    [
      'Windows',
      `${window.kind}, ${window.size} ms${hop}, ${time}, ${window.allowedLateness} ms late allowed`,
    ],
    ['Last window', last ? describeWindow(last) : 'none yet'],
  ];
}

function describeWindow(window: WindowView): string {
  const head = `${window.windowStart} to ${window.windowEnd} ${window.state}`;
  if (window.state === 'Failed') return `${head}: ${window.reason}`;
  if (window.state !== 'Committed') return head;
  return (
    `${head}: ${window.keys} keys, ${window.eventsIn} events (${window.lateEvents ?? 0} late), ` +
    `${window.model}@${window.modelVersion}, committed ${window.closeToCommitMs} ms after its close`
  );
}

/** Checks a definition file locally, as the app checks `streams/*.json` when it loads. */
async function validateFile(file: string): Promise<void> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new ValidationError(
      `Cannot read ${file}: ${error.code === 'ENOENT' ? 'no such file' : error.message}.`,
    );
  });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ValidationError(`Stream definition ${file} is not JSON: ${(error as Error).message}`);
  }
  const definition = parseStreamDefinition(json, file);
  console.error(`${file}: stream "${definition.name}" is valid. With its defaults:`);
  console.log(JSON.stringify(definition, null, 2));
}

/**
 * A per-event stream scores events as they come; a window stream lands them, and scores each key's
 * aggregates when the window closes (its windows say how many rows were scored).
 */
function progressCount(mode: string, counts: { scoredEvents: number; landedEvents?: number }): number {
  return mode === 'window' ? (counts.landedEvents ?? 0) : counts.scoredEvents;
}

function progressOf(mode: string, counts: { scoredEvents: number; landedEvents?: number }): string {
  return `${progressCount(mode, counts)} ${mode === 'window' ? 'landed' : 'scored'}`;
}
