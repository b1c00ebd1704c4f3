// The reference: the same AMQP endpoint over a log that stores nothing, in its own process. What the
// SDK and the AMQP layer can carry on this machine, without storage.
'use strict';
const path = require('node:path');
const root = path.resolve(__dirname, '..', '..');
const { EventHubsEndpoint } = require(path.join(root, 'dist/src/host/eventHubs/amqp/EventHubsEndpoint.js'));
const { HubDirectory } = require(path.join(root, 'dist/src/host/eventHubs/HubDirectory.js'));
const { emulatorKey } = require(path.join(root, 'dist/src/host/eventHubs/amqp/sasToken.js'));

const nullLog = (hub) => ({
  hub,
  partitionCount: 4,
  createdAt: new Date(),
  partitionIds: () => ['0', '1', '2', '3'],
  append: async (partitionId, events) => events.map(() => ({})),
  read: async () => [],
  partitionInfo: async () => ({
    beginningSequenceNumber: 0,
    lastEnqueuedSequenceNumber: -1,
    lastEnqueuedOffset: -1,
    lastEnqueuedTime: new Date(0),
    isEmpty: true,
  }),
});

EventHubsEndpoint.start({
  port: 0,
  keys: [emulatorKey],
  hubs: new HubDirectory({ hubs: [process.argv[2]], openLog: async (hub) => nullLog(hub), howToAddHub: '' }),
  log: console,
}).then((endpoint) => console.log(`PORT ${endpoint.port}`));
