import type { HostExtension } from '../../HostExtension';
import { blobTrigger } from './blobTrigger';

/** The blob trigger kind. */
export const blobExtension: HostExtension = {
  name: 'blobs',
  triggers: { blobTrigger },
};
