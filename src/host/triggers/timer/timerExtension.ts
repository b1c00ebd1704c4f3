import type { HostExtension } from '../../HostExtension';
import { notYetSupported } from '../notYetSupported';

/** The timer trigger kind. */
export const timerExtension: HostExtension = {
  name: 'timers',
  triggers: { timerTrigger: notYetSupported('timer') },
};
