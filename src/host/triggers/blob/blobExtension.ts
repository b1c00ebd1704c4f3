import type { HostExtension } from '../../HostExtension';
import { blobTriggerFactory } from './blobTrigger';
import { addBlobWebhook, blobsSystemKeyName, type BlobEventTarget } from './blobWebhook';

/**
 * The blob trigger kind, with the blobs extension's webhook for `source: 'EventGrid'` triggers (fresh
 * state per host: the triggers it routes events to).
 */
export function createBlobExtension(): HostExtension {
  const eventTargets = new Map<string, BlobEventTarget>();
  return {
    name: 'blobs',
    systemKeys: [blobsSystemKeyName],
    triggers: { blobTrigger: blobTriggerFactory(eventTargets) },
    start(services) {
      addBlobWebhook(services.http, eventTargets, services.log);
      return Promise.resolve();
    },
  };
}
