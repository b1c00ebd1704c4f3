import type { BindingProvider, HostServices, ResolvedBinding, BindingContext } from '../HostExtension';
import { rpcDataToBuffer } from '../converters/rpcTypedData';
import { HostConfigurationError } from '../errors';
import { resolveBindingTemplate } from '../settings/resolveBindingExpressions';
import { bindingUsage, connectionName, requiredProperty } from './bindingUsage';
import { hasStatus } from '../storage/storageErrors';
import { blobModelBindingData, usesDeferredBinding } from '../storage/deferredBinding';
import { defaultConnectionName } from '../storage/StorageConnections';

export interface BlobLocation {
  readonly container: string;
  readonly blobName: string;
}

/**
 * The `blob` input and output: `path` is `<container>/<blob>` with `{expressions}` from the trigger.
 * Input reads the blob (bytes; a string for `dataType: 'string'`; undefined when it does not exist), or
 * with `sdkBinding` hands over a reference to it without reading it;
 * output writes the returned bytes, text or JSON, creating the container as the host does.
 */
export function blobBinding(services: () => HostServices): BindingProvider {
  return {
    async readInput(binding, context) {
      const usedBy = bindingUsage(context.fn, binding);
      const blob = blobClient(services(), binding, context, usedBy);
      if (usesDeferredBinding(binding)) {
        return {
          modelBindingData: blobModelBindingData(
            connectionName(binding) || defaultConnectionName,
            blob.containerName,
            blob.name,
          ),
        };
      }
      let bytes: Buffer;
      try {
        bytes = await blob.downloadToBuffer();
      } catch (error) {
        if (hasStatus(error, 404)) return undefined;
        throw error;
      }
      return String(binding.dataType ?? '').toLowerCase() === 'string'
        ? { string: bytes.toString('utf8') }
        : { bytes };
    },
    async writeOutput(binding, data, context) {
      const usedBy = bindingUsage(context.fn, binding);
      const blob = blobClient(services(), binding, context, usedBy);
      const bytes = rpcDataToBuffer(data);
      try {
        await blob.upload(bytes, bytes.length);
      } catch (error) {
        if (!hasStatus(error, 404)) throw error;
        await services()
          .storage.get(connectionName(binding), usedBy)
          .blobs.getContainerClient(blob.containerName)
          .createIfNotExists();
        await blob.upload(bytes, bytes.length);
      }
    },
  };
}

/** Splits `container/path/to/blob` into container and blob name, checking the container name as Azure does. */
export function parseBlobPath(path: string, usedBy: string): BlobLocation {
  const slash = path.indexOf('/');
  const container = slash < 0 ? path : path.slice(0, slash);
  const blobName = slash < 0 ? '' : path.slice(slash + 1);
  if (!/^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/.test(container) && container !== '$root') {
    throw new HostConfigurationError(
      `${usedBy}: "${container}" in the path "${path}" is not a valid container name (3-63 lower-case letters, digits and single hyphens).`,
    );
  }
  if (blobName === '') {
    throw new HostConfigurationError(
      `${usedBy}: the path "${path}" names no blob; write it as <container>/<blob>.`,
    );
  }
  return { container, blobName };
}

function blobClient(
  services: HostServices,
  binding: ResolvedBinding,
  context: BindingContext,
  usedBy: string,
) {
  const template = requiredProperty(binding, 'path', usedBy);
  const { container, blobName } = parseBlobPath(
    resolveBindingTemplate(template, context.bindingData, usedBy),
    usedBy,
  );
  return services.storage
    .get(connectionName(binding), usedBy)
    .blobs.getContainerClient(container)
    .getBlockBlobClient(blobName);
}
