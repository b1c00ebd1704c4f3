import os from 'node:os';
import path from 'node:path';
import { loadConfig } from './config';
import { JobStore } from './jobs/JobStore';
import { BundledModelSource } from './models/BundledModelSource';
import { formatRegistry } from './scoring/formatRegistry';
import { InferencePool } from './scoring/inference/InferencePool';
import { PoolModelRunner } from './scoring/PoolModelRunner';
import type { ScoringServices } from './scoring/ScoringServices';
import { StorageClients } from './storage/StorageClients';

// dist/src/appServices.js → the app root two levels up (where models/ and data/ live).
const appRoot = path.resolve(__dirname, '..', '..');
let services: ScoringServices | undefined;

/**
 * The app's composition root: settings are read and clients built on first use (not at import), the
 * same way on Azure and on the embedded host.
 */
export function scoringServices(): ScoringServices {
  if (!services) {
    const config = loadConfig(process.env, appRoot);
    const storage = new StorageClients(config.storageConnection);
    services = {
      config,
      storage,
      jobs: new JobStore(storage),
      models: new BundledModelSource(config.modelsDirectory),
      runner: new PoolModelRunner(
        new InferencePool({ size: Math.min(config.inferenceThreads, os.cpus().length) }),
      ),
      formats: formatRegistry,
    };
  }
  return services;
}
