/** A blob written to a watched container, as a blob trigger's metadata reports it. */
export interface BlobDrop {
  readonly name: string;
  readonly etag: string;
  readonly metadata?: Readonly<Record<string, string>>;
}

/**
 * The drop a blob trigger fired for, from its trigger metadata (`name` from the path's `{name}`, the
 * ETag from the blob's properties, the blob's own metadata): the same on Azure and on the embedded host.
 */
export function blobDropOf(triggerMetadata: Record<string, unknown> | undefined): BlobDrop {
  const metadata = triggerMetadata ?? {};
  const properties = metadata.properties as { eTag?: string; etag?: string } | undefined;
  return {
    name: typeof metadata.name === 'string' ? metadata.name : '',
    etag: properties?.eTag ?? properties?.etag ?? '',
    metadata: metadata.metadata as Record<string, string> | undefined,
  };
}
