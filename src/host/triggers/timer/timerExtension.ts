import type { HostExtension } from '../../HostExtension';
import { timerTrigger } from './timerTrigger';

/** The timer trigger kind. */
export const timerExtension: HostExtension = {
  name: 'timers',
  triggers: { timerTrigger },
};
