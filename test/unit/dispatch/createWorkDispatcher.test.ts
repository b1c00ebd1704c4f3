import { loadConfig } from '../../../src/config';
import { createWorkDispatcher } from '../../../src/dispatch';
import { StorageClients } from '../../../src/storage/StorageClients';

const connection = 'UseDevelopmentStorage=true';
const storage = new StorageClients(connection);

function dispatcherFor(settings: NodeJS.ProcessEnv) {
  const config = loadConfig({ AzureWebJobsStorage: connection, ...settings }, '/app');
  return createWorkDispatcher(config, storage, '/app');
}

describe('createWorkDispatcher', () => {
  it('runs work in local processes unless CONTAINER_DISPATCHER says otherwise', () => {
    expect(dispatcherFor({}).name).toBe('local');
  });

  it('starts Container Apps job executions when CONTAINER_DISPATCHER is containerApps', () => {
    const settings = {
      CONTAINER_DISPATCHER: 'containerApps',
      CONTAINER_APPS_SUBSCRIPTION_ID: '0b9d1f3e-5a7c-4e2b-9d8f-1a2b3c4d5e6f',
      CONTAINER_APPS_RESOURCE_GROUP: 'rg-scoring',
      CONTAINER_APPS_JOB_NAME: 'scoring-worker',
    };
    expect(dispatcherFor(settings).name).toBe('containerApps');
  });

  it.each([
    [{ CONTAINER_DISPATCHER: 'kubernetes' }, /^Invalid app setting CONTAINER_DISPATCHER: /],
    [
      { CONTAINER_DISPATCHER: 'containerApps' },
      'Invalid app setting CONTAINER_APPS_SUBSCRIPTION_ID: is required when CONTAINER_DISPATCHER is containerApps',
    ],
    [{ LOCAL_WORKERS: '0' }, /^Invalid app setting LOCAL_WORKERS: /],
  ])('names the setting that is wrong: %j', (settings, message) => {
    expect(() => dispatcherFor(settings)).toThrow(message);
  });
});
