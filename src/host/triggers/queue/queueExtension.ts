import type { HostExtension } from '../../HostExtension';
import { queueTrigger } from './queueTrigger';

/** The queue trigger kind. */
export const queueExtension: HostExtension = {
  name: 'queues',
  triggers: { queueTrigger },
};
