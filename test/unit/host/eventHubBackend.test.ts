import { HostConfigurationError } from '../../../src/host/errors';
import { AppSettings } from '../../../src/host/settings/AppSettings';
import { eventHubBackend, sdkConnectionString } from '../../../src/host/triggers/eventHub/eventHubBackend';
import { eventHubConnection } from '../../../src/host/triggers/eventHub/eventHubSettings';

const key = 'SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE';

function backendOf(values: Record<string, string>, ownPort = 5672) {
  const connection = eventHubConnection(new AppSettings(values, {}), 'EventHubConnection', 'test');
  return eventHubBackend(connection, ownPort);
}

test.each([
  ['no Endpoint', 'SharedAccessKeyName=local;SharedAccessKey=local', 'ownLog'],
  [
    'the placeholder apps use',
    'Endpoint=sb://localhost/;SharedAccessKeyName=local;SharedAccessKey=local',
    'ownLog',
  ],
  ['127.0.0.1 with a port, not an emulator', `Endpoint=sb://127.0.0.1:9999;${key}`, 'ownLog'],
  ['the own endpoint on 5672', `Endpoint=sb://127.0.0.1;${key};UseDevelopmentEmulator=true`, 'ownLog'],
  [
    'the own endpoint, port written',
    `Endpoint=sb://localhost:5672/;${key};UseDevelopmentEmulator=true`,
    'ownLog',
  ],
  ['case-insensitive keys', `endpoint=SB://LocalHost:5672/;${key};usedevelopmentemulator=TRUE`, 'ownLog'],
  [
    'another emulator on another port',
    `Endpoint=sb://127.0.0.1:5673;${key};UseDevelopmentEmulator=true`,
    'sdk',
  ],
  [
    'an emulator on another machine',
    `Endpoint=sb://eventhubs-emulator;${key};UseDevelopmentEmulator=true`,
    'sdk',
  ],
  ['a namespace on Azure', `Endpoint=sb://myns.servicebus.windows.net/;${key}`, 'sdk'],
  [
    'a namespace with EntityPath',
    `Endpoint=sb://myns.servicebus.windows.net/;${key};EntityPath=telemetry`,
    'sdk',
  ],
  [
    'UseDevelopmentEmulator=false',
    `Endpoint=sb://localhost:5673;${key};UseDevelopmentEmulator=false`,
    'ownLog',
  ],
])('a connection string with %s: %s', (_case, value, expected) => {
  expect(backendOf({ EventHubConnection: value })).toBe(expected);
});

test('the own port is DurableScoring__EventHubs__Port, as the host reads it', () => {
  const emulator = `Endpoint=sb://127.0.0.1:6000;${key};UseDevelopmentEmulator=true`;
  const settings = new AppSettings({ EventHubConnection: emulator }, {});
  const connection = eventHubConnection(settings, 'EventHubConnection', 'test');
  expect(eventHubBackend(connection, 6000)).toBe('ownLog');
  expect(eventHubBackend(connection, 5672)).toBe('sdk');
  // Port 0 (a free port picked at start) matches no connection string: an emulator string is another's.
  expect(eventHubBackend(connection, 0)).toBe('sdk');
});

test.each([
  ['localhost', 'ownLog'],
  ['myns.servicebus.windows.net', 'sdk'],
])('an identity connection to %s: %s', (namespace, expected) => {
  expect(backendOf({ EventHubConnection__fullyQualifiedNamespace: namespace })).toBe(expected);
});

test('an identity connection to a namespace is refused with what to set instead', () => {
  const settings = new AppSettings(
    { EventHubConnection__fullyQualifiedNamespace: 'myns.servicebus.windows.net' },
    {},
  );
  const connection = eventHubConnection(settings, 'EventHubConnection', 'test');
  expect(() => sdkConnectionString(connection, "Function 'f' (eventHubTrigger)")).toThrow(
    new HostConfigurationError(
      `Function 'f' (eventHubTrigger): "EventHubConnection__fullyQualifiedNamespace" names the namespace myns.servicebus.windows.net, but the embedded host connects to Event Hubs namespaces with connection strings only (identity connections are not supported yet). Put the namespace's connection string in "EventHubConnection", or set "EventHubConnection__fullyQualifiedNamespace" to localhost to use the host's own event log.`,
    ),
  );
});

test('the AzureWebJobs-prefixed setting is read when the plain one is missing', () => {
  expect(
    backendOf({ AzureWebJobsEventHubConnection: `Endpoint=sb://myns.servicebus.windows.net/;${key}` }),
  ).toBe('sdk');
});
