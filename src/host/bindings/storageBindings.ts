import type { AppFunction, HostExtension, HostServices } from '../HostExtension';
import { HostConfigurationError, HostSystemError } from '../errors';
import { blobBinding } from './blobBinding';
import { bindingUsage, connectionName, requiredProperty } from './bindingUsage';
import { queueBinding } from './queueBinding';
import { tableBinding } from './tableBinding';
import { usesDeferredBinding } from '../storage/deferredBinding';
import type { StorageService } from '../storage/resolveStorageConnection';

const requiredByType: Record<string, string> = { blob: 'path', queue: 'queueName', table: 'tableName' };

/**
 * Blob, queue and table input/output bindings (not triggers). The providers reach storage through the
 * services the host hands over at start; bindings are checked then, so a bad one stops the host.
 */
export function createStorageBindings(): HostExtension {
  let started: HostServices | undefined;
  const services = () => {
    if (!started)
      throw new HostSystemError('A storage binding was used before the host started its extensions.');
    return started;
  };
  return {
    name: 'storageBindings',
    bindings: { blob: blobBinding(services), queue: queueBinding(services), table: tableBinding(services) },
    start(host, functions) {
      checkBindings(host, functions);
      started = host;
      return Promise.resolve();
    },
  };
}

function checkBindings(services: HostServices, functions: readonly AppFunction[]): void {
  for (const fn of functions) {
    for (const binding of [...fn.inputs, ...fn.outputs]) {
      const type = binding.type.toLowerCase();
      const property = requiredByType[type];
      if (property === undefined) continue;
      const usedBy = bindingUsage(fn, binding);
      requiredProperty(binding, property, usedBy);
      if (type === 'queue' && binding.direction !== 'out') {
        throw new HostConfigurationError(
          `${usedBy}: queues have no input binding; use a queueTrigger or an output.`,
        );
      }
      if (type !== 'blob' && usesDeferredBinding(binding)) {
        throw new HostConfigurationError(
          `${usedBy}: sdkBinding is supported for blobs only in the embedded host; remove it.`,
        );
      }
      // Throws, naming the setting, when the connection or its endpoint for this service is missing.
      services.storage.get(connectionName(binding), usedBy).assertServices([type as StorageService], usedBy);
    }
  }
}
