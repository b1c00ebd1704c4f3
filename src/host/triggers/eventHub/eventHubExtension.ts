import type { HostExtension } from '../../HostExtension';
import { notYetSupported } from '../notYetSupported';

/** The Event Hub trigger kind. */
export const eventHubExtension: HostExtension = {
  name: 'eventHubs',
  triggers: { eventHubTrigger: notYetSupported('Event Hub') },
};
