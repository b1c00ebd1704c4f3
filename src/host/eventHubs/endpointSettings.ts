import { HostConfigurationError } from '../errors';
import type { AppSettings } from '../settings/AppSettings';
import { checkEventHubName } from './EventHubEvent';
import { emulatorKey, type SharedAccessKey } from './amqp/sasToken';

/** The AMQP port Event Hubs emulators use, and the one the SDKs default to with UseDevelopmentEmulator=true. */
export const defaultEventHubsPort = 5672;

const prefix = 'DurableScoring__EventHubs__';

/** How the host's Event Hubs endpoint is set up, from app settings. */
export interface EndpointSettings {
  /** `DurableScoring__EventHubs__Enabled`: start the endpoint even when no function uses Event Hubs. */
  readonly enabled: boolean;
  /** `DurableScoring__EventHubs__Port` (default 5672; 0 picks a free port). */
  readonly port: number;
  /** `DurableScoring__EventHubs__KeyName` and `__Key` (default: the emulator's RootManageSharedAccessKey / SAS_KEY_VALUE). */
  readonly key: SharedAccessKey;
  /** `DurableScoring__EventHubs__Hubs`: hubs to serve besides those the app's bindings name (comma-separated). */
  readonly hubs: string[];
}

export function endpointSettings(settings: AppSettings): EndpointSettings {
  const portText = settings.get(`${prefix}Port`);
  const port = portText === undefined || portText === '' ? defaultEventHubsPort : Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new HostConfigurationError(
      `The app setting "${prefix}Port" is "${portText}"; it must be a port number (0-65535).`,
    );
  }
  const keyName = settings.get(`${prefix}KeyName`) || emulatorKey.name;
  const key = settings.get(`${prefix}Key`) || emulatorKey.key;
  const hubs = (settings.get(`${prefix}Hubs`) ?? '')
    .split(',')
    .map((hub) => hub.trim())
    .filter(Boolean)
    .map((hub) => checkEventHubName(hub, `The app setting "${prefix}Hubs"`));
  const enabled = /^(1|true|yes)$/i.test(settings.get(`${prefix}Enabled`) ?? '');
  return { enabled, port, key: { name: keyName, key }, hubs };
}

/** How a user adds a hub the endpoint does not serve yet. */
export const howToAddHub = `Name it in an Event Hub binding of the app, or add it to the app setting "${prefix}Hubs" (comma-separated).`;

/** The connection string for the endpoint; the key is shown only when it is the emulator's public default. */
export function endpointConnectionString(
  port: number,
  key: SharedAccessKey,
  options: { showKey: boolean },
): string {
  const secret = options.showKey || key.key === emulatorKey.key ? key.key : `<${prefix}Key>`;
  return `Endpoint=sb://127.0.0.1:${port};SharedAccessKeyName=${key.name};SharedAccessKey=${secret};UseDevelopmentEmulator=true`;
}
