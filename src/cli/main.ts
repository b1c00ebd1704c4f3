import path from 'node:path';
import { Command } from 'commander';
import { eventHubsCommand } from './eventHubsCommand';
import { runHostCommand } from './hostCommand';
import { runStartCommand } from './startCommand';
import { instancesCommand } from './instancesCommand';
import { runKeysCommand } from './keysCommand';
import { jobsCommand } from './jobsCommand';
import { modelsCommand } from './modelsCommands';
import { partitionCommand } from './partitionCommand';
import { scoreCommand } from './scoreCommand';
import { streamsCommand } from './streamsCommand';
import { videosCommand } from './videosCommand';

/** The `durable-scoring` command line. */
export async function main(argv: string[]): Promise<void> {
  const program = new Command('durable-scoring')
    .description('Run Azure Functions v4 Node apps locally, and drive durable-scoring jobs.')
    .showHelpAfterError();
  program
    .command('host')
    .description('Start the embedded Functions host for an app folder (like `func start` there).')
    .argument('[appDir]', 'function app folder (host.json, package.json main)', '.')
    .option('-p, --port <port>', 'HTTP port (0 picks a free one)', '7071')
    .option('--event-hubs', 'serve Event Hubs over AMQP even if no function uses them')
    .action((appDir: string, options: { port: string; eventHubs?: boolean }) => {
      if (options.eventHubs) process.env.DurableScoring__EventHubs__Enabled = 'true';
      return runHostCommand(appDir, parsePort(options.port));
    });
  program
    .command('start')
    .description('Run this app on the embedded host and score the demo data set (what npm start does).')
    .argument('[appDir]', 'this project folder', '.')
    .option('-p, --port <port>', 'HTTP port', '7071')
    .action((appDir: string, options: { port: string }) =>
      runStartCommand(path.resolve(appDir), parsePort(options.port)),
    );
  program
    .command('keys')
    .description('Print the function keys the host uses for an app folder.')
    .argument('[appDir]', 'function app folder', '.')
    .option('--json', 'print JSON')
    .action((appDir: string, options: { json?: boolean }) => runKeysCommand(appDir, options));
  // Durable orchestration instances of an app: list, show, terminate, purge.
  program.addCommand(instancesCommand());
  // Scoring jobs on a running host, through its jobs API.
  program.addCommand(scoreCommand());
  program.addCommand(jobsCommand());
  program.addCommand(modelsCommand());
  // Video style transfer jobs: style a local file, list, show, cancel.
  program.addCommand(videosCommand());
  // Many models: split a data set by key columns for trainMany.
  program.addCommand(partitionCommand());
  // The Event Hubs endpoint alone, as an emulator for other apps and tests.
  program.addCommand(eventHubsCommand());
  // Event Hub streams: their API, definition checks, and replaying a file into a hub.
  program.addCommand(streamsCommand());
  await program.parseAsync(argv);
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port ${value} is not a port number.`);
  return port;
}
