import { emulatorKey } from '../../src/host/eventHubs/amqp/sasToken';
import { endpointConnectionString } from '../../src/host/eventHubs/endpointSettings';

/**
 * The connection string of a host's own Event Hubs endpoint on `port`, with the emulators' public key
 * (what `EventHubConnection` holds in the streaming tests).
 */
export function emulatorConnectionString(port: number): string {
  return endpointConnectionString(port, emulatorKey, { showKey: true });
}
