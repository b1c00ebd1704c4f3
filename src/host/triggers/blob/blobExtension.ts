import type { HostExtension } from '../../HostExtension';
import { notYetSupported } from '../notYetSupported';

/** The blob trigger kind. */
export const blobExtension: HostExtension = {
  name: 'blobs',
  triggers: { blobTrigger: notYetSupported('blob') },
};
