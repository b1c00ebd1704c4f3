import type { HostExtension } from '../../HostExtension';
import { notYetSupported } from '../notYetSupported';

/** The queue trigger kind. */
export const queueExtension: HostExtension = {
  name: 'queues',
  triggers: { queueTrigger: notYetSupported('queue') },
};
