import type { HostServices } from '../../HostExtension';
import type { AppSettings } from '../../settings/AppSettings';
import { HostConfigurationError } from '../../errors';
import { defaultPartitionCount, defaultRetentionHours, EventHubLog, maxPartitionCount } from './EventHubLog';
import { eventHubsContainer } from './log/SegmentStore';

export interface EventHubConnection {
  /** The namespace host name; `localhost` when the setting names none. */
  readonly namespace: string;
  /** `EntityPath` of the connection string, which overrides the binding's eventHubName (as on Azure). */
  readonly entityPath?: string;
}

const exampleConnection = 'Endpoint=sb://localhost/;SharedAccessKeyName=local;SharedAccessKey=local';

/**
 * Reads a binding's `connection` setting as the extension does: a connection string
 * (`Endpoint=sb://<namespace>/;...;EntityPath=<hub>`) or `<name>__fullyQualifiedNamespace`. Nothing
 * connects to it locally, but a missing setting stops the host, as it stops the Functions host.
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
  const value = settings.get(connection) ?? settings.get(`AzureWebJobs${connection}`);
  if (value) {
    const namespace = /(?:^|;)\s*Endpoint\s*=\s*sb:\/\/([^/;]+)/i.exec(value)?.[1];
    const entityPath = /(?:^|;)\s*EntityPath\s*=\s*([^;]+)/i.exec(value)?.[1]?.trim();
    return { namespace: namespace ?? 'localhost', ...(entityPath ? { entityPath } : {}) };
  }
  const namespace = settings.get(`${connection}__fullyQualifiedNamespace`);
  if (namespace) return { namespace };
  throw new HostConfigurationError(
    `${usedBy} uses the connection "${connection}", but no app setting "${connection}" (or "${connection}__fullyQualifiedNamespace") is set. Events stay in local storage, so any Event Hubs connection string will do, e.g. "${exampleConnection}" in "Values" of local.settings.json.`,
  );
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
