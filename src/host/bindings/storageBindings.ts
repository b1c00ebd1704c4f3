import type { HostExtension } from '../HostExtension';

/** Blob, queue and table input/output bindings (not triggers). */
export const storageBindings: HostExtension = {
  name: 'storageBindings',
  bindings: {},
};
