import type { HostServices } from '../../HostExtension';
import type { AppSettings } from '../../settings/AppSettings';
import { HostConfigurationError } from '../../errors';
import {
  defaultPartitionCount,
  defaultRetentionHours,
  EventHubLog,
  maxPartitionCount,
} from '../../eventHubs/EventHubLog';
import { eventHubsContainer } from '../../eventHubs/log/SegmentStore';

export interface EventHubConnection {
  /** The app setting that holds the connection (as the binding names it, or with its `AzureWebJobs` prefix). */
  readonly setting: string;
  /** The namespace as the connection names it (`host` or `host:port`); `localhost` when it names none. */
  readonly namespace: string;
  /** `EntityPath` of the connection string, which overrides the binding's eventHubName (as on Azure). */
  readonly entityPath?: string;
  /** The connection string itself; absent for an identity connection (`<name>__fullyQualifiedNamespace`). */
  readonly connectionString?: string;
  /** Where the connection points, when it names an endpoint (`Endpoint=sb://host[:port]/` or the namespace). */
  readonly endpoint?: { readonly host: string; readonly port?: number };
  /** `UseDevelopmentEmulator=true`: plain AMQP to an emulator (port 5672 unless the endpoint names one). */
  readonly useDevelopmentEmulator: boolean;
}

const exampleConnection = 'Endpoint=sb://localhost/;SharedAccessKeyName=local;SharedAccessKey=local';

/**
 * Reads a binding's `connection` setting as the extension does: a connection string
 * (`Endpoint=sb://<namespace>/;...;EntityPath=<hub>`) or `<name>__fullyQualifiedNamespace`. A missing
 * setting stops the host, as it stops the Functions host; eventHubBackend() says what serves it.
 */
export function eventHubConnection(
  settings: AppSettings,
  connection: unknown,
  usedBy: string,
): EventHubConnection {
  if (typeof connection !== 'string' || connection === '') {
    throw new HostConfigurationError(
      `${usedBy} has no "connection": name the app setting that holds the Event Hubs connection string.`,
    );
  }
  for (const setting of [connection, `AzureWebJobs${connection}`]) {
    const value = settings.get(setting);
    if (value) return fromConnectionString(setting, value);
  }
  const setting = `${connection}__fullyQualifiedNamespace`;
  const namespace = settings.get(setting);
  if (namespace) {
    return { setting, namespace, endpoint: parseEndpoint(namespace), useDevelopmentEmulator: false };
  }
  throw new HostConfigurationError(
    `${usedBy} uses the connection "${connection}", but no app setting "${connection}" (or "${connection}__fullyQualifiedNamespace") is set. For the host's own event log any local connection string will do, e.g. "${exampleConnection}" in "Values" of local.settings.json; a real namespace's connection string connects to it.`,
  );
}

function fromConnectionString(setting: string, value: string): EventHubConnection {
  const parts = new Map<string, string>();
  for (const part of value.split(';')) {
    const separator = part.indexOf('=');
    if (separator > 0)
      parts.set(part.slice(0, separator).trim().toLowerCase(), part.slice(separator + 1).trim());
  }
  const endpointText = parts.get('endpoint');
  const endpoint = endpointText ? parseEndpoint(endpointText) : undefined;
  const entityPath = parts.get('entitypath');
  return {
    setting,
    namespace: /^(?:[a-z]+:\/\/)?([^/]+)/i.exec(endpointText ?? '')?.[1] ?? 'localhost',
    ...(entityPath ? { entityPath } : {}),
    connectionString: value,
    ...(endpoint ? { endpoint } : {}),
    useDevelopmentEmulator: parts.get('usedevelopmentemulator')?.toLowerCase() === 'true',
  };
}

/** `sb://host:port/`, `host:port` or `host` as host and port. */
function parseEndpoint(text: string): { host: string; port?: number } | undefined {
  const match = /^(?:[a-z]+:\/\/)?(\[[^\]]*\]|[^/:]+)(?::(\d+))?/i.exec(text.trim());
  if (!match?.[1]) return undefined;
  const host = match[1].toLowerCase();
  return match[2] === undefined ? { host } : { host, port: Number(match[2]) };
}

/** The partition count a new hub gets: `EventHubs__<hub>__PartitionCount`, default 4. */
export function partitionCountSetting(settings: AppSettings, hub: string): number {
  const name = `EventHubs__${hub}__PartitionCount`;
  const value = settings.get(name);
  if (value === undefined || value === '') return defaultPartitionCount;
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1 || count > maxPartitionCount) {
    throw new HostConfigurationError(
      `The app setting "${name}" is "${value}"; it must be a whole number from 1 to ${maxPartitionCount}.`,
    );
  }
  return count;
}

/**
 * How long a hub keeps events: `EventHubs__<hub>__RetentionHours`, default 24 (a new event hub's default
 * on Azure; Microsoft's Event Hubs emulator keeps events for a fixed hour). Fractions are allowed.
 */
export function retentionHoursSetting(settings: AppSettings, hub: string): number {
  const name = `EventHubs__${hub}__RetentionHours`;
  const value = settings.get(name);
  if (value === undefined || value === '') return defaultRetentionHours;
  const hours = Number(value);
  if (!Number.isFinite(hours) || hours <= 0) {
    throw new HostConfigurationError(
      `The app setting "${name}" is "${value}"; it must be a number of hours above 0 (e.g. 24, or 0.5 for half an hour).`,
    );
  }
  return hours;
}

/** Opens a hub's log in the host's storage, warning when it exists with another partition count than configured. */
export async function openEventHubLog(services: HostServices, hub: string): Promise<EventHubLog> {
  const configured = partitionCountSetting(services.settings, hub);
  const retentionHours = retentionHoursSetting(services.settings, hub);
  const log = await EventHubLog.open(services.hostStorage, hub, configured, { retentionHours });
  if (log.partitionCount !== configured) {
    services.log.warn(
      `Event hub '${hub}' already exists locally with ${log.partitionCount} partitions; EventHubs__${hub}__PartitionCount=${configured} applies only when a hub is created (a hub's partition count is fixed, as on Azure). Delete its folder ${eventHubsContainer}/${hub.toLowerCase()}/ to recreate it.`,
    );
  }
  return log;
}
