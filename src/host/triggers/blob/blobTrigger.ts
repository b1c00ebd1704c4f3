import type { TriggerFactory } from '../../HostExtension';
import { parseTimeSpan } from '../../app/HostJson';
import { HostConfigurationError } from '../../errors';
import { defaultConnectionName } from '../../storage/StorageConnections';
import { BlobProcessor } from './BlobProcessor';
import { hostsContainerName } from './BlobReceipt';
import { BlobTriggerListener } from './BlobTriggerListener';
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
 * Runs a `blobTrigger` function for every new or changed blob matching its `path`, on the polling
 * (LogsAndContainerScan) path, handing it the blob's bytes or, with `sdkBinding`, a reference: receipts in `azure-webjobs-hosts`, `maxDequeueCount` attempts, then
 * `webjobs-blobtrigger-poison`.
 */
export const blobTrigger: TriggerFactory = (fn, services) => {
  const binding = fn.trigger;
  const usedBy = `Function '${fn.name}' (blob trigger "${binding.name}")`;
  if (typeof binding.path !== 'string' || binding.path.trim() === '') {
    throw new HostConfigurationError(`${usedBy} has no "path"; set it to "<container>/{name}".`);
  }
  if (typeof binding.source === 'string' && binding.source.toLowerCase() === 'eventgrid') {
    throw new HostConfigurationError(
      `${usedBy} uses source "EventGrid", which needs an Event Grid subscription; the embedded host polls the container instead. Remove "source" (or set it to "LogsAndContainerScan") to run it here.`,
    );
  }
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
  });
};

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
