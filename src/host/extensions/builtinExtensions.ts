import type { HostExtension } from '../HostExtension';
import { httpTrigger } from '../triggers/http/httpTrigger';
import { notYetSupported } from '../triggers/notYetSupported';

/** The trigger and binding kinds every app gets, like the host's built-in and bundled extensions. */
export const builtinExtensions: readonly HostExtension[] = [
  { name: 'http', triggers: { httpTrigger }, bindings: { http: {} } },
  { name: 'timers', triggers: { timerTrigger: notYetSupported('timer') } },
  {
    name: 'storage',
    triggers: { blobTrigger: notYetSupported('blob'), queueTrigger: notYetSupported('queue') },
  },
  { name: 'eventHubs', triggers: { eventHubTrigger: notYetSupported('Event Hub') } },
];
