import os from 'node:os';
import { Command } from 'commander';
import { renderHistoryEvents } from '../host/durable/api/renderHistoryEvents';
import { toStatusPayload } from '../host/durable/api/toStatusPayload';
import { durableSettingsFrom } from '../host/durable/durableSettings';
import type { InstanceQuery, InstanceRecord } from '../host/durable/taskHub/InstanceStore';
import type { HistoryEvent } from '../host/durable/history/HistoryEvent';
import { TaskHub } from '../host/durable/taskHub/TaskHub';
import { DurableClientError, TaskHubClient } from '../host/durable/TaskHubClient';
import { parseInstanceQuery } from '../host/durable/api/parseInstanceQuery';
import { openAppStorage } from './openAppStorage';
import { printTable } from './printTable';

interface OpenHub {
  hubName: string;
  client: TaskHubClient;
}

/** `durable-scoring instances list|show|terminate|purge`: the app's orchestration instances, from its storage. */
export function instancesCommand(): Command {
  const command = new Command('instances').description(
    "List, inspect, terminate and purge the app's Durable orchestration instances (reads the task hub in AzureWebJobsStorage).",
  );
  command
    .command('list')
    .description('List instances (ordered by instance id).')
    .argument('[appDir]', 'function app folder', '.')
    .option('--status <statuses>', 'only these runtime statuses, comma-separated (e.g. Running,Failed)')
    .option('--prefix <instanceIdPrefix>', 'only instance ids starting with this')
    .option('--top <n>', 'at most this many instances')
    .option('--json', 'print JSON (as GET /runtime/webhooks/durabletask/instances returns it)')
    .action((appDir: string, options: ListOptions) =>
      withTaskHub(appDir, (hub) => listInstances(hub, options)),
    );
  command
    .command('show')
    .description("Show one instance's status, input, output and custom status.")
    .argument('<instanceId>', 'instance id')
    .argument('[appDir]', 'function app folder', '.')
    .option('--history', 'also show its history (with results)')
    .option(
      '--json',
      'print JSON (as GET .../instances/{id}?showHistory=true&showHistoryOutput=true returns it)',
    )
    .action((instanceId: string, appDir: string, options: ShowOptions) =>
      withTaskHub(appDir, (hub) => showInstance(hub, instanceId, options)),
    );
  command
    .command('terminate')
    .description('Ask a running instance to terminate (the host applies it when it next runs the instance).')
    .argument('<instanceId>', 'instance id')
    .argument('[appDir]', 'function app folder', '.')
    .option('--reason <reason>', 'reason, recorded as the terminated instance output')
    .action((instanceId: string, appDir: string, options: { reason?: string }) =>
      withTaskHub(appDir, (hub) => terminateInstance(hub, instanceId, options.reason)),
    );
  command
    .command('purge')
    .description("Delete a finished instance's state and history.")
    .argument('<instanceId>', 'instance id')
    .argument('[appDir]', 'function app folder', '.')
    .action((instanceId: string, appDir: string) =>
      withTaskHub(appDir, (hub) => purgeInstance(hub, instanceId)),
    );
  return command;
}

/** Opens the app's task hub (starting Azurite on the app's data for a moment if no host runs it). */
async function withTaskHub(appDir: string, run: (hub: OpenHub) => Promise<void>): Promise<void> {
  const { app, settings, storage, close } = await openAppStorage(appDir, 'durable-scoring instances', {
    startAzurite: true,
  });
  const durable = durableSettingsFrom(app.hostJson, os.cpus().length, settings);
  try {
    const hub = new TaskHub(storage, durable.hubName, durable.partitionCount);
    // Only starting an instance needs to know the app's orchestrators; the CLI never starts one.
    await run({ hubName: durable.hubName, client: new TaskHubClient(hub, () => false) });
  } catch (error) {
    if (error instanceof DurableClientError) throw new Error(error.message);
    if ((error as { statusCode?: number }).statusCode === 404) {
      throw new Error(
        `Task hub ${durable.hubName} does not exist in the AzureWebJobsStorage account yet: start the host once to create it.`,
      );
    }
    throw error;
  } finally {
    await close();
  }
}

interface ListOptions {
  status?: string;
  prefix?: string;
  top?: string;
  json?: boolean;
}

async function listInstances({ hubName, client }: OpenHub, options: ListOptions): Promise<void> {
  const query = parseInstanceQuery(
    new URLSearchParams({
      ...(options.status ? { runtimeStatus: options.status } : {}),
      ...(options.prefix ? { instanceIdPrefix: options.prefix } : {}),
    }),
  );
  const limit = options.top === undefined ? Infinity : parseTop(options.top);
  const instances = await readInstances(client, query, limit);
  if (options.json) {
    const payloads = instances.map((instance) =>
      toStatusPayload(instance, { showInput: true, showHistoryOutput: false }),
    );
    console.log(JSON.stringify(payloads, null, 2));
    return;
  }
  if (instances.length === 0) {
    console.log(`No instances in task hub ${hubName}${describeFilter(query)}.`);
    return;
  }
  printTable(
    ['INSTANCE ID', 'NAME', 'STATUS', 'CREATED', 'LAST UPDATED'],
    instances.map((instance) => [
      instance.instanceId,
      instance.name,
      instance.runtimeStatus,
      instance.createdTime,
      instance.lastUpdatedTime,
    ]),
  );
  console.log(`${instances.length} instance(s) in task hub ${hubName}${describeFilter(query)}.`);
}

async function readInstances(
  client: TaskHubClient,
  query: InstanceQuery,
  limit: number,
): Promise<InstanceRecord[]> {
  const instances: InstanceRecord[] = [];
  let continuationToken: string | undefined;
  do {
    const page = await client.list({
      ...query,
      top: Math.min(100, limit - instances.length),
      continuationToken,
    });
    instances.push(...page.instances);
    continuationToken = page.continuationToken;
  } while (continuationToken && instances.length < limit);
  return instances.slice(0, limit);
}

interface ShowOptions {
  history?: boolean;
  json?: boolean;
}

async function showInstance(
  { hubName, client }: OpenHub,
  instanceId: string,
  options: ShowOptions,
): Promise<void> {
  const status = await client.getStatus(instanceId, { showHistory: options.history });
  if (!status) throw new Error(`No instance with ID '${instanceId}' in task hub ${hubName}.`);
  const payload = toStatusPayload(status, { showInput: true, showHistoryOutput: true });
  if (options.json) {
    console.log(JSON.stringify(payload, null, 2));
    return;
  }
  const lines: [string, unknown][] = [
    ['Instance', status.instanceId],
    ['Name', status.name],
    ['Status', status.runtimeStatus],
    ['Created', status.createdTime],
    ['Last updated', status.lastUpdatedTime],
    ['Completed', status.completedTime],
    ['Parent', status.parentInstanceId],
    ['Input', payload.input],
    ['Custom status', payload.customStatus],
    ['Output', payload.output],
  ];
  for (const [label, value] of lines) {
    if (value !== undefined && value !== null && value !== '')
      console.log(`${`${label}:`.padEnd(15)}${typeof value === 'string' ? value : JSON.stringify(value)}`);
  }
  if (status.history) printHistory(status.history);
}

function printHistory(history: HistoryEvent[]): void {
  const events = renderHistoryEvents(history, { showHistoryOutput: true, showInput: false });
  console.log('History:');
  printTable(
    ['TIMESTAMP', 'EVENT', 'NAME', 'DETAILS'],
    events.map((event) => [
      formatValue(event.Timestamp ?? ''),
      formatValue(event.EventType),
      formatValue(event.FunctionName ?? event.Name ?? ''),
      formatValue(event.Result ?? event.Reason ?? event.Details ?? event.FireAt ?? event.Input ?? ''),
    ]),
  );
}

async function terminateInstance(
  { client }: OpenHub,
  instanceId: string,
  reason: string | undefined,
): Promise<void> {
  await client.terminate(instanceId, reason);
  console.log(
    `Termination of ${instanceId} requested${reason ? ` (reason: ${reason})` : ''}; the host applies it when it next runs the instance.`,
  );
}

async function purgeInstance({ hubName, client }: OpenHub, instanceId: string): Promise<void> {
  if (!(await client.purge(instanceId)))
    throw new Error(`No instance with ID '${instanceId}' in task hub ${hubName}.`);
  console.log(`Purged ${instanceId}: its state, history and large payloads are deleted.`);
}

function parseTop(value: string): number {
  const top = Number(value);
  if (!Number.isInteger(top) || top < 1)
    throw new Error(`--top ${value} must be a whole number of at least 1.`);
  return top;
}

function describeFilter(query: InstanceQuery): string {
  const parts = [
    query.runtimeStatus ? `status ${query.runtimeStatus.join(' or ')}` : '',
    query.instanceIdPrefix ? `id starting with "${query.instanceIdPrefix}"` : '',
  ].filter((part) => part !== '');
  return parts.length > 0 ? ` with ${parts.join(' and ')}` : '';
}

/** One table cell: JSON for values, the first line of text, at most 200 characters. */
function formatValue(value: unknown): string {
  const text = typeof value === 'string' ? (value.split('\n')[0] ?? '').trimEnd() : JSON.stringify(value);
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}
