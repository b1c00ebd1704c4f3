import type { ContainerClient } from '@azure/storage-blob';
import type { StreamDefinition } from './StreamDefinition';
import type { StreamingServices } from './StreamingServices';

/** The container a stream writes to (its own, else the app's output container), checked and created. */
export function streamContainer(
  stream: StreamDefinition,
  services: StreamingServices,
): Promise<ContainerClient> {
  const name = services.containers.checkWrite(
    stream.outputs.container ?? services.outputContainer,
    `${stream.name}: outputs.container`,
  );
  return services.storage.ensureContainer(name);
}
