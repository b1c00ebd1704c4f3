import type { RpcModelBindingData } from '../core/coreTypes';
import type { ResolvedBinding } from '../HostExtension';

/**
 * Whether a binding asks for deferred ("SDK type") binding: the library sets
 * `properties.supportsDeferredBinding` when the app passes `sdkBinding: true`. The host then hands the
 * function a reference (model binding data) instead of the content, and the app's registered resource
 * factory turns the reference into a client.
 */
export function usesDeferredBinding(binding: ResolvedBinding): boolean {
  const deferred = (binding.properties as { supportsDeferredBinding?: unknown } | undefined)
    ?.supportsDeferredBinding;
  return (
    binding.sdkBinding === true ||
    deferred === true ||
    (typeof deferred === 'string' && deferred.toLowerCase() === 'true')
  );
}

/** The model binding data the host sends for a blob: source `AzureStorageBlobs`, JSON naming the blob. */
export function blobModelBindingData(
  connection: string,
  containerName: string,
  blobName: string,
): RpcModelBindingData {
  const content = { Connection: connection, ContainerName: containerName, BlobName: blobName };
  return {
    version: '1.0',
    source: 'AzureStorageBlobs',
    contentType: 'application/json',
    content: Buffer.from(JSON.stringify(content)),
  };
}
