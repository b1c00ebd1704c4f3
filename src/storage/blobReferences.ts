import { ResourceFactoryResolver, type ModelBindingData } from '@azure/functions-extensions-base';

/** The blob a deferred (`sdkBinding`) blob binding names: the connection setting, container and blob. */
export interface BlobReference {
  readonly connection: string;
  readonly containerName: string;
  readonly blobName: string;
}

const blobSource = 'AzureStorageBlobs';

/**
 * Lets blob triggers and inputs declared with `sdkBinding: true` receive a `BlobReference` instead of the
 * blob's bytes, so a multi-gigabyte drop is never read into the function's memory. The host (Azure or
 * the embedded one) sends model binding data; this factory reads it. If the official blob extension
 * library registered its own factory first, that one is kept (functions then receive its client).
 */
export function acceptBlobReferences(): void {
  const resolver = ResourceFactoryResolver.getInstance();
  if (resolver.hasResourceFactory(blobSource)) return;
  resolver.registerResourceFactory(blobSource, (data) => {
    const single = Array.isArray(data) ? data[0] : data;
    return toBlobReference(single);
  });
}

function toBlobReference(data: ModelBindingData | undefined): BlobReference {
  const text = data?.content ? Buffer.from(data.content).toString('utf8') : '';
  let content: { Connection?: unknown; ContainerName?: unknown; BlobName?: unknown };
  try {
    content = JSON.parse(text) as typeof content;
  } catch {
    throw new Error(`Blob binding data is not JSON: ${JSON.stringify(text.slice(0, 200))}`);
  }
  const { Connection, ContainerName, BlobName } = content;
  if (typeof ContainerName !== 'string' || typeof BlobName !== 'string') {
    throw new Error(`Blob binding data names no container and blob: ${text.slice(0, 200)}`);
  }
  return {
    connection: typeof Connection === 'string' ? Connection : 'AzureWebJobsStorage',
    containerName: ContainerName,
    blobName: BlobName,
  };
}
