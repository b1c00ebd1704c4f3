import { earliestEventPosition, latestEventPosition, type EventPosition } from '@azure/event-hubs';
import type { HostJson } from '../../app/HostJson';
import { HostConfigurationError } from '../../errors';

type EventHubsOptions = NonNullable<NonNullable<HostJson['extensions']>['eventHubs']>;

/**
 * Where a partition without a checkpoint starts, from host.json `extensions.eventHubs.initialOffsetOptions`
 * as the extension reads it: `fromStart` (the default), `fromEnd`, or `fromEnqueuedTime` with
 * `enqueuedTimeUtc` (events enqueued after that time).
 */
export function initialEventPosition(options: EventHubsOptions | undefined): EventPosition {
  const initial = options?.initialOffsetOptions;
  const type = initial?.type?.toLowerCase();
  if (type === undefined || type === 'fromstart') return earliestEventPosition;
  if (type === 'fromend') return latestEventPosition;
  const where = 'host.json extensions.eventHubs.initialOffsetOptions';
  if (type !== 'fromenqueuedtime') {
    throw new HostConfigurationError(
      `${where}.type is "${initial?.type}"; it must be "fromStart", "fromEnd" or "fromEnqueuedTime".`,
    );
  }
  const time = initial?.enqueuedTimeUtc === undefined ? NaN : Date.parse(initial.enqueuedTimeUtc);
  if (Number.isNaN(time)) {
    throw new HostConfigurationError(
      `${where}.type is "fromEnqueuedTime", so ${where}.enqueuedTimeUtc must be a time such as "2024-05-01T10:00:00Z"${initial?.enqueuedTimeUtc === undefined ? '' : ` (it is "${initial.enqueuedTimeUtc}")`}.`,
    );
  }
  return { enqueuedOn: new Date(time) };
}
