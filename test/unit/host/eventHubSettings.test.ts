import { AppSettings } from '../../../src/host/settings/AppSettings';
import { retentionHoursSetting } from '../../../src/host/triggers/eventHub/eventHubSettings';

const settings = (values: Record<string, string>) => new AppSettings(values, {});

describe('EventHubs__<hub>__RetentionHours', () => {
  it.each([
    [{}, 24],
    [{ EventHubs__orders__RetentionHours: '' }, 24],
    [{ EventHubs__orders__RetentionHours: '1' }, 1],
    [{ EventHubs__Orders__RETENTIONHOURS: '0.5' }, 0.5],
    [{ EventHubs__other__RetentionHours: '2' }, 24],
  ])('%j gives %d hours', (values, hours) => {
    expect(retentionHoursSetting(settings(values), 'orders')).toBe(hours);
  });

  it.each(['0', '-1', 'a day', 'Infinity'])('refuses "%s", naming the setting', (value) => {
    expect(() =>
      retentionHoursSetting(settings({ EventHubs__orders__RetentionHours: value }), 'orders'),
    ).toThrow(
      `The app setting "EventHubs__orders__RetentionHours" is "${value}"; it must be a number of hours above 0`,
    );
  });
});
