import type { LoadBalancingOptions } from '@azure/event-hubs';
import { parseTimeSpan, type HostJson } from '../../../app/HostJson';
import { HostConfigurationError } from '../../../errors';

type EventHubsOptions = NonNullable<NonNullable<HostJson['extensions']>['eventHubs']>;

// The extension's defaults: a claim lasts 60 s unless renewed; claims are renewed every 10 s.
const defaultOwnershipExpirationMs = 60_000;
const defaultUpdateIntervalMs = 10_000;

/**
 * How hosts sharing a consumer group split the partitions, from host.json
 * `partitionOwnershipExpirationInterval` and `loadBalancingUpdateInterval` (TimeSpans, as the extension
 * takes them). Greedy, as the extension's processor: every free partition is claimed at once, not one per round.
 */
export function loadBalancingOptions(options: EventHubsOptions | undefined): LoadBalancingOptions {
  const expiration = timeSpan(
    options?.partitionOwnershipExpirationInterval,
    'partitionOwnershipExpirationInterval',
    defaultOwnershipExpirationMs,
  );
  const update = timeSpan(
    options?.loadBalancingUpdateInterval,
    'loadBalancingUpdateInterval',
    defaultUpdateIntervalMs,
  );
  if (update >= expiration) {
    throw new HostConfigurationError(
      `host.json extensions.eventHubs.loadBalancingUpdateInterval (${update} ms) must be shorter than partitionOwnershipExpirationInterval (${expiration} ms), or claims lapse before they are renewed.`,
    );
  }
  return {
    strategy: 'greedy',
    partitionOwnershipExpirationIntervalInMs: expiration,
    updateIntervalInMs: update,
  };
}

function timeSpan(value: string | number | undefined, name: string, fallbackMs: number): number {
  let ms: number;
  try {
    ms = parseTimeSpan(value, fallbackMs);
  } catch (error) {
    throw new HostConfigurationError(`host.json extensions.eventHubs.${name}: ${(error as Error).message}`);
  }
  if (!(ms > 0)) {
    throw new HostConfigurationError(`host.json extensions.eventHubs.${name} must be longer than zero.`);
  }
  return ms;
}
