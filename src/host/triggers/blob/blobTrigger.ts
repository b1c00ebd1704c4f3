import type { AppFunction, HostServices, TriggerFactory } from '../../HostExtension';
import { parseTimeSpan } from '../../app/HostJson';
import { HostConfigurationError } from '../../errors';
import { defaultConnectionName } from '../../storage/StorageConnections';
import { BlobProcessor } from './BlobProcessor';
import { hostsContainerName } from './BlobReceipt';
import { BlobTriggerListener } from './BlobTriggerListener';
import type { BlobEventTarget } from './blobWebhook';
import { blobTriggerSourceOf } from './blobTriggerSource';
import { ContainerScan } from './ContainerScan';
import { parseBlobTriggerPath } from './BlobTriggerPath';
import { usesDeferredBinding } from '../../storage/deferredBinding';

const pollIntervalMs = 250;
const stopTimeoutMs = 10_000;
// The host's default for blob trigger retries (it reuses the queues setting).
const defaultMaxAttempts = 5;
// The host's default is 8 × cores; a smaller bound suits one development machine.
const defaultMaxParallel = 4;

/**
 * The host setting that turns the container scan off for `source: 'EventGrid'` triggers (on by
 * default: no Event Grid reaches this host, so without it a drop would start nothing locally).
 */
export const eventGridScanSetting = 'DurableScoring__EventGridBlobScan';

/**
 * Runs a `blobTrigger` function for every new or changed blob matching its `path`, handing it the
 * blob's bytes or, with `sdkBinding`, a reference: receipts in `azure-webjobs-hosts`, `maxDequeueCount`
 * attempts, then `webjobs-blobtrigger-poison`. Blobs are found by scanning the container
 * (LogsAndContainerScan) and, for `source: 'EventGrid'`, from the events posted to the blobs webhook;
 * such a trigger is added to `eventTargets` (lower-case function name → its listener).
 */
export const blobTriggerFactory =
  (eventTargets: Map<string, BlobEventTarget>): TriggerFactory =>
  (fn, services) => {
    const listener = createBlobListener(fn, services);
    if (listener.source === 'EventGrid') eventTargets.set(fn.name.toLowerCase(), listener);
    return listener;
  };

function createBlobListener(fn: AppFunction, services: HostServices): BlobTriggerListener {
  const binding = fn.trigger;
  const usedBy = `Function '${fn.name}' (blob trigger "${binding.name}")`;
  if (typeof binding.path !== 'string' || binding.path.trim() === '') {
    throw new HostConfigurationError(`${usedBy} has no "path"; set it to "<container>/{name}".`);
  }
  const source = blobTriggerSourceOf(binding, usedBy);
  const path = parseBlobTriggerPath(binding.path, usedBy);
  const connectionName =
    typeof binding.connection === 'string' && binding.connection !== ''
      ? binding.connection
      : defaultConnectionName;
  const storage = services.storage.get(connectionName, usedBy);
  // As on Azure, a blob trigger's identity connection needs a queue endpoint too (its poison queue).
  storage.assertServices(['blob', 'queue'], usedBy);
  const container = storage.blobs.getContainerClient(path.container);
  const extensions = services.app.hostJson.extensions;
  const retryDelayMs = retryDelay(extensions?.queues?.visibilityTimeout);
  const processor = new BlobProcessor({
    fn,
    services,
    container,
    queues: storage.queues,
    receipts: services.hostStorage.blobs.getContainerClient(hostsContainerName),
    maxAttempts: extensions?.queues?.maxDequeueCount ?? defaultMaxAttempts,
    connectionName,
    deferred: usesDeferredBinding(binding),
    retryDelayMs,
  });
  return new BlobTriggerListener({
    fn,
    services,
    path,
    connectionName,
    container,
    scan: new ContainerScan({
      container: storage.blobsWithoutRetries.getContainerClient(path.container),
      prefix: path.prefix,
    }),
    processor,
    maxParallel: extensions?.blobs?.maxDegreeOfParallelism ?? defaultMaxParallel,
    pollIntervalMs,
    stopTimeoutMs,
    source,
    scanning: source !== 'EventGrid' || scansEventGridContainers(services),
  });
}

function scansEventGridContainers(services: HostServices): boolean {
  const value = services.settings.get(eventGridScanSetting)?.trim().toLowerCase();
  if (value === undefined || value === '' || value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw new HostConfigurationError(`${eventGridScanSetting} is "${value}": use true (the default) or false.`);
}

// host.json queues.visibilityTimeout when set; otherwise a short doubling pause (0.1 s … 2 s).
function retryDelay(visibilityTimeout: string | number | undefined): (attempt: number) => number {
  if (visibilityTimeout === undefined) return (attempt) => Math.min(100 * 2 ** (attempt - 1), 2_000);
  try {
    const fixed = parseTimeSpan(visibilityTimeout, 0);
    return () => fixed;
  } catch (error) {
    throw new HostConfigurationError(
      `host.json extensions.queues.visibilityTimeout: ${(error as Error).message}`,
    );
  }
}
