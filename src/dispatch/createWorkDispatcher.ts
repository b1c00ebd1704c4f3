import path from 'node:path';
import type { AppConfig } from '../config';
import { settingNames } from '../config';
import type { StorageClients } from '../storage/StorageClients';
import { ContainerAppsDispatcher } from './ContainerAppsDispatcher';
import { LocalProcessDispatcher } from './LocalProcessDispatcher';
import type { WorkDispatcher } from './workContracts';

/** The dispatcher CONTAINER_DISPATCHER names, from the app settings. */
export function createWorkDispatcher(
  config: AppConfig,
  storage: StorageClients,
  appRoot: string,
): WorkDispatcher {
  if (config.containerDispatcher === 'local') {
    return new LocalProcessDispatcher({
      storage,
      workQueue: config.workQueue,
      workResultsQueue: config.workResultsQueue,
      workers: config.localWorkers,
      workerScript: path.join(appRoot, 'dist/src/worker/main.js'),
    });
  }
  return new ContainerAppsDispatcher({
    storage,
    workQueue: config.workQueue,
    workResultsQueue: config.workResultsQueue,
    job: {
      subscriptionId: required(config.containerAppsSubscriptionId, 'containerAppsSubscriptionId'),
      resourceGroup: required(config.containerAppsResourceGroup, 'containerAppsResourceGroup'),
      jobName: required(config.containerAppsJobName, 'containerAppsJobName'),
      maxExecutions: config.containerAppsMaxExecutions,
      image: config.containerAppsImage,
    },
  });
}

function required(value: string | undefined, field: keyof typeof settingNames): string {
  if (value) return value;
  throw new Error(
    `Invalid app setting ${settingNames[field]}: is required when ${settingNames.containerDispatcher} is containerApps`,
  );
}
