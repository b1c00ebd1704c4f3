import { HostConfigurationError } from '../errors';
import type { AppSettings } from '../settings/AppSettings';
import { defaultAzuritePorts, type AzuritePorts } from '../storage/StorageConnection';

/** Moves the host's own Azurite off 10000-10002: `<blob>,<queue>,<table>`, e.g. `20000,20001,20002`. */
export const azuritePortsSetting = 'DurableScoring__AzuritePorts';

/** The ports the host's Azurite listens on (for `UseDevelopmentStorage=true`): the setting's, else Azurite's defaults. */
export function azuritePortsFrom(settings: AppSettings): AzuritePorts {
  const value = settings.get(azuritePortsSetting)?.trim();
  if (!value) return defaultAzuritePorts;
  const ports = value.split(',').map((part) => Number(part.trim()));
  const valid =
    ports.length === 3 &&
    ports.every((port) => Number.isInteger(port) && port > 0 && port < 65536) &&
    new Set(ports).size === 3;
  if (!valid) {
    throw new HostConfigurationError(
      `The app setting ${azuritePortsSetting} is "${value}"; it must be three different ports for Azurite's blob, queue and table services, e.g. "20000,20001,20002" (or unset for 10000-10002).`,
    );
  }
  const [blob, queue, table] = ports as [number, number, number];
  return { blob, queue, table };
}
