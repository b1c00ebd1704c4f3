import type { BlobDownloadResponseParsed, BlobGetPropertiesResponse } from '@azure/storage-blob';
import type { TriggerInvocation } from '../../HostExtension';
import type { RpcTypedData } from '../../core/coreTypes';
import { toRpcMetadata } from '../../converters/rpcTypedData';
import { blobModelBindingData } from '../../storage/deferredBinding';

/** One blob version as the trigger read it: its properties, and its bytes unless the function binds a reference. */
export interface BlobVersion {
  readonly container: string;
  readonly name: string;
  readonly url: string;
  readonly bytes?: Buffer;
  readonly properties: BlobDownloadResponseParsed | BlobGetPropertiesResponse;
}

/**
 * The invocation for a blob: its bytes as trigger data (or, for a deferred binding, model binding data
 * naming the blob through `connection`), and the binding data the host builds for a blob trigger
 * (`BlobTrigger`, `Uri`, `Properties`, `Metadata`, then the path parameters, which win on a name clash).
 * Keys are PascalCase as the host sends them; the library camelCases them.
 */
export function toBlobTriggerInvocation(
  blob: BlobVersion,
  params: Record<string, string>,
  reason: string,
  connection: string,
): TriggerInvocation {
  const metadata = blob.properties.metadata ?? {};
  const triggerData: RpcTypedData = blob.bytes
    ? { bytes: blob.bytes }
    : { modelBindingData: blobModelBindingData(connection, blob.container, blob.name) };
  const bindingData: Record<string, unknown> = {
    BlobTrigger: `${blob.container}/${blob.name}`,
    Uri: blob.url,
    Properties: blobProperties(blob),
    Metadata: metadata,
    ...params,
  };
  return {
    triggerData,
    triggerMetadata: toRpcMetadata(bindingData),
    bindingData,
    reason,
  };
}

// The blob's properties under the names of the .NET BlobProperties the host serializes.
function blobProperties(blob: BlobVersion): Record<string, unknown> {
  const response = blob.properties;
  const md5 = ('blobContentMD5' in response ? response.blobContentMD5 : undefined) ?? response.contentMD5;
  return dropUndefined({
    LastModified: response.lastModified?.toISOString(),
    CreatedOn: response.createdOn?.toISOString(),
    Metadata: response.metadata ?? {},
    BlobType: response.blobType?.replace(/Blob$/, ''),
    ContentLength: blob.bytes?.length ?? response.contentLength,
    ContentType: response.contentType,
    ETag: response.etag,
    ContentHash: md5 ? Buffer.from(md5).toString('base64') : undefined,
    ContentEncoding: response.contentEncoding,
    ContentDisposition: response.contentDisposition,
    ContentLanguage: response.contentLanguage,
    CacheControl: response.cacheControl,
    LeaseState: response.leaseState,
    LeaseStatus: response.leaseStatus,
    IsServerEncrypted: response.isServerEncrypted,
    VersionId: response.versionId,
    TagCount: response.tagCount,
  });
}

function dropUndefined(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined));
}
