import { applyHostJsonOverrides } from '../../../src/host/app/applyHostJsonOverrides';
import { AppSettings } from '../../../src/host/settings/AppSettings';

describe('applyHostJsonOverrides', () => {
  const hostJson = { version: '2.0' as const, extensions: { queues: { batchSize: 16 } } };

  it('overrides existing properties case-insensitively and adds new ones, typed', () => {
    const settings = new AppSettings(
      {},
      {
        AzureFunctionsJobHost__Extensions__Queues__BatchSize: '4',
        AzureFunctionsJobHost__extensions__durableTask__hubName: 'Other',
        AzureFunctionsJobHost__extensions__http__routePrefix: '',
      },
    );
    const result = applyHostJsonOverrides(hostJson, settings);
    expect(result.extensions?.queues?.batchSize).toBe(4);
    expect(result.extensions?.durableTask?.hubName).toBe('Other');
    expect(result.extensions?.http?.routePrefix).toBe('');
  });

  it('names the setting when an override makes host.json invalid', () => {
    const settings = new AppSettings({}, { AzureFunctionsJobHost__extensions__queues__batchSize: '99' });
    expect(() => applyHostJsonOverrides(hostJson, settings)).toThrow(
      /AzureFunctionsJobHost__\* setting makes host.json invalid: extensions.queues.batchSize/,
    );
  });

  it('leaves host.json alone without overrides', () => {
    expect(applyHostJsonOverrides(hostJson, new AppSettings({}, {}))).toBe(hostJson);
  });
});
