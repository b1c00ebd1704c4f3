import { earliestEventPosition, latestEventPosition } from '@azure/event-hubs';
import { HostConfigurationError } from '../../../src/host/errors';
import { initialEventPosition } from '../../../src/host/triggers/eventHub/initialEventPosition';

test.each([
  ['no options', undefined, earliestEventPosition],
  ['fromStart', { initialOffsetOptions: { type: 'fromStart' } }, earliestEventPosition],
  ['fromEnd, any case', { initialOffsetOptions: { type: 'FROMEND' } }, latestEventPosition],
  [
    'fromEnqueuedTime',
    { initialOffsetOptions: { type: 'fromEnqueuedTime', enqueuedTimeUtc: '2024-05-01T10:00:00Z' } },
    { enqueuedOn: new Date('2024-05-01T10:00:00Z') },
  ],
])('host.json initialOffsetOptions: %s', (_case, options, expected) => {
  expect(initialEventPosition(options)).toEqual(expected);
});

test.each([
  [
    { type: 'fromOffset' },
    'host.json extensions.eventHubs.initialOffsetOptions.type is "fromOffset"; it must be "fromStart", "fromEnd" or "fromEnqueuedTime".',
  ],
  [
    { type: 'fromEnqueuedTime' },
    'host.json extensions.eventHubs.initialOffsetOptions.type is "fromEnqueuedTime", so host.json extensions.eventHubs.initialOffsetOptions.enqueuedTimeUtc must be a time such as "2024-05-01T10:00:00Z".',
  ],
  [
    { type: 'fromEnqueuedTime', enqueuedTimeUtc: 'yesterday' },
    'host.json extensions.eventHubs.initialOffsetOptions.type is "fromEnqueuedTime", so host.json extensions.eventHubs.initialOffsetOptions.enqueuedTimeUtc must be a time such as "2024-05-01T10:00:00Z" (it is "yesterday").',
  ],
])('a bad initialOffsetOptions %j is refused', (initialOffsetOptions, message) => {
  expect(() => initialEventPosition({ initialOffsetOptions })).toThrow(new HostConfigurationError(message));
});
