import { DataContainers } from '../../../src/storage/DataContainers';

const settings = { read: 'DATA_READ_CONTAINERS', write: 'DATA_WRITE_CONTAINERS' };

describe('DataContainers', () => {
  // Host containers: keys, receipts and timer status, Event Hubs checkpoints and the local event hubs' logs.
  it.each([
    'azure-webjobs-secrets',
    'azure-webjobs-hosts',
    'azure-webjobs-eventhub',
    'azure-webjobs-eventhubs',
  ])('refuses the host container %s as a data container', (container) => {
    const options = { read: [container], write: [], appContainers: [], watchedContainers: [], settings };
    expect(() => new DataContainers(options)).toThrow(
      `Invalid app setting DATA_READ_CONTAINERS: ${container} is the host's or the app's own container(s), which no job may use.`,
    );
  });
});
