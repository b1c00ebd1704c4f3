import type { HostExtension } from '../HostExtension';
import { createStorageBindings } from '../bindings/storageBindings';
import { createDurableExtension } from '../durable/DurableExtension';
import { createBlobExtension } from '../triggers/blob/blobExtension';
import { createEventHubExtension } from '../triggers/eventHub/eventHubExtension';
import { httpTrigger } from '../triggers/http/httpTrigger';
import { queueExtension } from '../triggers/queue/queueExtension';
import { timerExtension } from '../triggers/timer/timerExtension';

/** The trigger and binding kinds every app gets, like the host's built-in and bundled extensions (fresh state per host). */
export const builtinExtensions = (): HostExtension[] => [
  { name: 'http', triggers: { httpTrigger }, bindings: { http: {} } },
  timerExtension,
  createBlobExtension(),
  queueExtension,
  createEventHubExtension(),
  createStorageBindings(),
  createDurableExtension(),
];
