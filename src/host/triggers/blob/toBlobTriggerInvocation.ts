import type { BlobDownloadResponseParsed } from '@azure/storage-blob';
import type { TriggerInvocation } from '../../HostExtension';
import { toRpcMetadata } from '../../converters/rpcTypedData';

/** One downloaded blob version, as the trigger hands it to the function. */
export interface DownloadedBlob {
  readonly container: string;
  readonly name: string;
  readonly url: string;
  readonly bytes: Buffer;
  readonly response: BlobDownloadResponseParsed;
}

/**
 * The invocation for a blob: its bytes as trigger data, and the binding data the host builds for a
 * blob trigger (`BlobTrigger`, `Uri`, `Properties`, `Metadata`, then the path parameters, which win
 * on a name clash). Keys are PascalCase as the host sends them; the library camelCases them.
 */
export function toBlobTriggerInvocation(
  blob: DownloadedBlob,
  params: Record<string, string>,
  reason: string,
): TriggerInvocation {
  const metadata = blob.response.metadata ?? {};
  const bindingData: Record<string, unknown> = {
    BlobTrigger: `${blob.container}/${blob.name}`,
    Uri: blob.url,
    Properties: blobProperties(blob),
    Metadata: metadata,
    ...params,
  };
  return {
    triggerData: { bytes: blob.bytes },
    triggerMetadata: toRpcMetadata(bindingData),
    bindingData,
    reason,
  };
}

// The blob's properties under the names of the .NET BlobProperties the host serializes.
function blobProperties(blob: DownloadedBlob): Record<string, unknown> {
  const response = blob.response;
  const md5 = response.blobContentMD5 ?? response.contentMD5;
  return dropUndefined({
    LastModified: response.lastModified?.toISOString(),
    CreatedOn: response.createdOn?.toISOString(),
    Metadata: response.metadata ?? {},
    BlobType: response.blobType?.replace(/Blob$/, ''),
    ContentLength: blob.bytes.length,
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
